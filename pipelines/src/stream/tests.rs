//! Property tests of the synchronous core.
