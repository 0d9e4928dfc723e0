//! GCP and Kafka naming rules, each returning a reason a user can act on.

fn is_lower_alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// An RFC 1035 label as Compute Engine wants for names: lowercase letter first, then lowercase
/// letters, digits and hyphens, no trailing hyphen, `min..=max` characters.
pub fn rfc1035(text: &str, min: usize, max: usize) -> Result<(), String> {
    let length = text.chars().count();
    if length < min || length > max {
        return Err(format!(
            "must be {min} to {max} characters long, `{text}` has {length}"
        ));
    }
    if !text.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(format!("must start with a lowercase letter: `{text}`"));
    }
    if let Some(bad) = text.chars().find(|c| !(is_lower_alnum(*c) || *c == '-')) {
        return Err(format!(
            "may only contain lowercase letters, digits and hyphens, not `{bad}`"
        ));
    }
    if text.ends_with('-') {
        return Err(format!("must not end with a hyphen: `{text}`"));
    }
    Ok(())
}

/// A GCS bucket name (the rules for names without dots, plus dotted names up to 222 chars).
pub fn bucket(text: &str) -> Result<(), String> {
    let length = text.chars().count();
    let max = if text.contains('.') { 222 } else { 63 };
    if !(3..=max).contains(&length) {
        return Err(format!(
            "must be 3 to {max} characters long, `{text}` has {length}"
        ));
    }
    if let Some(bad) = text
        .chars()
        .find(|c| !(is_lower_alnum(*c) || matches!(c, '-' | '_' | '.')))
    {
        return Err(format!(
            "may only contain lowercase letters, digits, `-`, `_` and `.`, not `{bad}`"
        ));
    }
    if !text.starts_with(is_lower_alnum) || !text.ends_with(is_lower_alnum) {
        return Err(format!(
            "must start and end with a letter or digit: `{text}`"
        ));
    }
    if text.starts_with("goog") || text.contains("google") {
        return Err("must not start with `goog` or contain `google`".to_owned());
    }
    Ok(())
}

/// A GCP label key (`max` 63, lowercase letter first) or value (may be empty).
pub fn label(text: &str, is_key: bool) -> Result<(), String> {
    let length = text.chars().count();
    if length > 63 || (is_key && length == 0) {
        return Err(format!(
            "must be {} to 63 characters long",
            usize::from(is_key)
        ));
    }
    if is_key && !text.starts_with(|c: char| c.is_lowercase()) {
        return Err(format!(
            "a label key must start with a lowercase letter: `{text}`"
        ));
    }
    if let Some(bad) = text
        .chars()
        .find(|c| !(c.is_lowercase() || c.is_numeric() || matches!(c, '-' | '_')))
    {
        return Err(format!(
            "may only contain lowercase letters, digits, `-` and `_`, not `{bad}`"
        ));
    }
    Ok(())
}

/// A Kafka topic name: 1-249 of `[a-zA-Z0-9._-]`, not `.` or `..`.
pub fn kafka_topic(text: &str) -> Result<(), String> {
    if text.is_empty() || text.len() > 249 {
        return Err("must be 1 to 249 characters long".to_owned());
    }
    if text == "." || text == ".." {
        return Err("must not be `.` or `..`".to_owned());
    }
    if let Some(bad) = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(format!(
            "may only contain letters, digits, `.`, `_` and `-`, not `{bad}`"
        ));
    }
    Ok(())
}

/// A MySQL identifier for databases and users: a letter or underscore, then letters, digits or
/// underscores, so it never needs quoting in SQL.
pub fn mysql_identifier(text: &str, max: usize) -> Result<(), String> {
    if text.is_empty() || text.len() > max {
        return Err(format!("must be 1 to {max} characters long"));
    }
    if !text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return Err(format!("must start with a letter or `_`: `{text}`"));
    }
    if let Some(bad) = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(format!(
            "may only contain letters, digits and `_`, not `{bad}`"
        ));
    }
    Ok(())
}

/// A Secret Manager secret id: 1-255 of letters, digits, `-` and `_`.
pub fn secret_id(text: &str) -> Result<(), String> {
    if text.is_empty() || text.len() > 255 {
        return Err("must be 1 to 255 characters long".to_owned());
    }
    if let Some(bad) = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_')))
    {
        return Err(format!(
            "may only contain letters, digits, `-` and `_`, not `{bad}`"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1035_table() {
        assert!(rfc1035("prod", 1, 20).is_ok());
        assert!(rfc1035("prod-2", 1, 20).is_ok());
        for bad in [
            "",
            "Prod",
            "2prod",
            "prod-",
            "pr_od",
            "prod.x",
            "a-very-long-stack-name-indeed",
        ] {
            assert!(rfc1035(bad, 1, 20).is_err(), "{bad}");
        }
    }

    #[test]
    fn bucket_table() {
        for ok in ["petadota-prod-images", "a.b.c", "abc", "a_b-c"] {
            assert!(bucket(ok).is_ok(), "{ok}");
        }
        for bad in [
            "ab",
            "Images",
            "-abc",
            "abc-",
            "google-images",
            "goog-x",
            "a b",
            &"x".repeat(64),
        ] {
            assert!(bucket(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn label_table() {
        assert!(label("team", true).is_ok());
        assert!(label("", false).is_ok());
        assert!(label("platform-1_x", false).is_ok());
        for (bad, key) in [
            ("", true),
            ("Team", true),
            ("1team", true),
            ("a b", false),
            ("UPPER", false),
        ] {
            assert!(label(bad, key).is_err(), "{bad}");
        }
    }

    #[test]
    fn topic_mysql_and_secret_tables() {
        assert!(kafka_topic("interactions.v1").is_ok());
        assert!(kafka_topic("..").is_err());
        assert!(kafka_topic("a/b").is_err());
        assert!(mysql_identifier("petadota_1", 64).is_ok());
        assert!(mysql_identifier("1db", 64).is_err());
        assert!(mysql_identifier("db-x", 64).is_err());
        assert!(secret_id("mysql-pipelines-password").is_ok());
        assert!(secret_id("a/b").is_err());
    }
}
