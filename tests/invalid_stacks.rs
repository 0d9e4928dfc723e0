//! Every invalid fixture gives located errors (file:line:col, field path, hint), snapshotted.

use petadota::stack::Stack;

#[test]
fn every_invalid_fixture_reports_a_located_error_with_a_hint() {
    insta::glob!("fixtures/invalid/*.yaml", |path| {
        let name = path
            .file_name()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(path).expect("readable fixture");
        let origin = format!("fixtures/invalid/{name}");
        let error = match Stack::parse(&text, &origin) {
            Ok(_) => panic!("{name} should be rejected"),
            Err(error) => error,
        };
        for diagnostic in &error.diagnostics {
            assert!(!diagnostic.hint.is_empty(), "{name}: no hint");
            if name != "empty.yaml" {
                assert!(diagnostic.location.is_some(), "{name}: no location");
            }
        }
        insta::assert_snapshot!(error.to_string());
    });
}

#[test]
fn there_are_at_least_fifteen_kinds_of_mistake() {
    let count = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/invalid"
    ))
    .expect("fixtures")
    .count();
    assert!(count >= 15, "only {count} invalid fixtures");
}
