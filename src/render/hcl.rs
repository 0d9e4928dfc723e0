//! HCL output: the one string-escaping function every stack string goes through, identifiers
//! for resource names, and the `terraform fmt` layout rules.

use std::collections::HashSet;
use std::fmt::Write as _;

/// Quotes `value` as an HCL string literal. Escapes quotes, backslashes and control characters,
/// and doubles the template introducers `${` and `%{` so a stack value can never become an
/// interpolation or a directive.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04X}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Hands out Terraform identifiers (`[a-z_][a-z0-9_]*`) derived from names, unique within one
/// allocator, so a bucket called `a.b` and one called `a_b` never collide.
#[derive(Debug, Default)]
pub struct Identifiers {
    taken: HashSet<String>,
}

impl Identifiers {
    /// An identifier for `name`, with `prefix` prepended and a numeric suffix if needed.
    pub fn allocate(&mut self, prefix: &str, name: &str) -> String {
        let mut base = String::from(prefix);
        for c in name.chars() {
            base.push(if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            });
        }
        if !base.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            base.insert(0, '_');
        }
        let mut candidate = base.clone();
        let mut suffix = 2;
        while !self.taken.insert(candidate.clone()) {
            candidate = format!("{base}_{suffix}");
            suffix += 1;
        }
        candidate
    }
}

/// Normalises rendered HCL: LF line endings, no trailing spaces, at most one blank line in a
/// row, no blank line right inside braces, exactly one trailing newline, and `=` aligned the
/// way `terraform fmt` aligns consecutive single-line attributes.
pub fn normalise(text: &str) -> String {
    let mut lines: Vec<&str> = Vec::new();
    for line in text.split('\n') {
        let line = line.trim_end();
        let previous_blank = lines.last().is_none_or(|l: &&str| l.is_empty());
        let previous_opens = lines.last().is_some_and(|l| l.ends_with('{'));
        if line.is_empty() && (previous_blank || previous_opens) {
            continue;
        }
        if line.trim_start().starts_with('}') && lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut index = 0;
    while index < lines.len() {
        let Some(first) = Attribute::parse(lines[index]) else {
            out.push_str(lines[index]);
            out.push('\n');
            index += 1;
            continue;
        };
        let mut group = vec![first];
        while let Some(next) = lines
            .get(index + group.len())
            .and_then(|l| Attribute::parse(l))
        {
            if next.indent != group[0].indent {
                break;
            }
            group.push(next);
        }
        let width = group
            .iter()
            .map(|a| a.key.chars().count())
            .max()
            .unwrap_or(0);
        for attribute in &group {
            let padding = width - attribute.key.chars().count();
            let _ = writeln!(
                out,
                "{}{}{} = {}",
                attribute.indent,
                attribute.key,
                " ".repeat(padding),
                attribute.value
            );
        }
        index += group.len();
    }
    out
}

/// A single-line `key = value` attribute; lines opening a multi-line value are not one.
struct Attribute<'a> {
    indent: &'a str,
    key: &'a str,
    value: &'a str,
}

impl<'a> Attribute<'a> {
    fn parse(line: &'a str) -> Option<Self> {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        let key_end = if body.starts_with('"') {
            quoted_end(body)?
        } else {
            body.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?
        };
        if key_end == 0 {
            return None;
        }
        let (key, rest) = body.split_at(key_end);
        let value = rest.trim_start().strip_prefix('=')?;
        if value.starts_with('=') {
            return None;
        }
        let value = value.trim();
        if value.is_empty() || value.ends_with(['{', '[', '(']) {
            return None;
        }
        Some(Attribute { indent, key, value })
    }
}

/// Byte index just past the closing quote of the string literal `text` starts with.
fn quoted_end(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (index, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(index + 1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_table() {
        let cases = [
            ("plain", r#""plain""#),
            ("say \"hi\"", r#""say \"hi\"""#),
            (r"C:\dir", r#""C:\\dir""#),
            ("${var.x}", r#""$${var.x}""#),
            ("%{ if x }", r#""%%{ if x }""#),
            ("$ and % alone", r#""$ and % alone""#),
            ("a\nb\r\tc", r#""a\nb\r\tc""#),
            ("bell\u{7}", r#""bell\u0007""#),
            ("ünïcødé 🐕", "\"ünïcødé 🐕\""),
        ];
        for (input, expected) in cases {
            assert_eq!(quote(input), expected, "{input:?}");
        }
    }

    #[test]
    fn identifiers_are_valid_and_unique() {
        let mut ids = Identifiers::default();
        assert_eq!(ids.allocate("bucket_", "a.b"), "bucket_a_b");
        assert_eq!(ids.allocate("bucket_", "a_b"), "bucket_a_b_2");
        assert_eq!(ids.allocate("", "9lives"), "_9lives");
    }

    #[test]
    fn normalise_aligns_like_terraform_fmt() {
        let input = "resource \"x\" \"y\" {\n\n  name = \"a\"\n  machine_type = \"b\"  \n  metadata = {\n    a = 1\n    \"b-c\" = 2\n\n  }\n  tags = [\"a\"]\n\n\n  inner {\n    x = 1\n  }\n}\n\n\n";
        let expected = "resource \"x\" \"y\" {\n  name         = \"a\"\n  machine_type = \"b\"\n  metadata = {\n    a     = 1\n    \"b-c\" = 2\n  }\n  tags = [\"a\"]\n\n  inner {\n    x = 1\n  }\n}\n";
        assert_eq!(normalise(input), expected);
    }
}
