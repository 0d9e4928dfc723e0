//! Validation of the cron expressions Airflow accepts as schedules.

/// Presets Airflow understands in place of a cron expression.
const PRESETS: [&str; 7] = [
    "@once",
    "@hourly",
    "@daily",
    "@weekly",
    "@monthly",
    "@yearly",
    "@continuous",
];

struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const FIELDS: [Field; 5] = [
    Field {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
    },
    Field {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
    },
    Field {
        name: "day of month",
        min: 1,
        max: 31,
        names: &[],
    },
    Field {
        name: "month",
        min: 1,
        max: 12,
        names: &[
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ],
    },
    Field {
        name: "day of week",
        min: 0,
        max: 7,
        names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
    },
];

/// Checks a five-field cron expression (`*`, lists, ranges, steps, month and day names) or an
/// Airflow preset. Returns what is wrong, in words a user can act on.
pub fn check(expression: &str) -> Result<(), String> {
    let expression = expression.trim();
    if expression.starts_with('@') {
        return if PRESETS.contains(&expression) {
            Ok(())
        } else {
            Err(format!(
                "`{expression}` is not a schedule preset (known: {})",
                PRESETS.join(", ")
            ))
        };
    }
    let parts: Vec<&str> = expression.split_whitespace().collect();
    if parts.len() != FIELDS.len() {
        return Err(format!(
            "a cron expression has 5 fields (minute hour day month weekday), this one has {}",
            parts.len()
        ));
    }
    for (part, field) in parts.iter().zip(FIELDS.iter()) {
        for item in part.split(',') {
            check_item(item, field)?;
        }
    }
    Ok(())
}

fn check_item(item: &str, field: &Field) -> Result<(), String> {
    let (range, step) = match item.split_once('/') {
        Some((range, step)) => (range, Some(step)),
        None => (item, None),
    };
    if let Some(step) = step {
        match step.parse::<u32>() {
            Ok(step) if (1..=field.max.max(1)).contains(&step) => {}
            _ => {
                return Err(format!(
                    "`{item}`: the {} step must be a number from 1 to {}",
                    field.name, field.max
                ));
            }
        }
    }
    if range == "*" {
        return Ok(());
    }
    let (low, high) = match range.split_once('-') {
        Some((low, high)) => (value(low, field)?, value(high, field)?),
        None => {
            let single = value(range, field)?;
            (single, single)
        }
    };
    if low > high {
        return Err(format!("`{item}`: the {} range runs backwards", field.name));
    }
    Ok(())
}

fn value(text: &str, field: &Field) -> Result<u32, String> {
    let lower = text.to_ascii_lowercase();
    if let Some(index) = field.names.iter().position(|name| *name == lower) {
        let offset = if field.min == 1 { 1 } else { 0 };
        return Ok(u32::try_from(index).unwrap_or(0) + offset);
    }
    match text.parse::<u32>() {
        Ok(number) if (field.min..=field.max).contains(&number) => Ok(number),
        _ => Err(format!(
            "`{text}` is not a valid {} ({}-{})",
            field.name, field.min, field.max
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn accepts_what_airflow_accepts() {
        for ok in [
            "0 */6 * * *",
            "*/15 * * * *",
            "0 3 * * mon-fri",
            "30 2 1,15 * *",
            "0 0 * JAN,JUL SUN",
            "@daily",
            " 5 4 * * 7 ",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_with_a_reason() {
        let cases = [
            ("0 */6 * *", "5 fields"),
            ("60 * * * *", "minute"),
            ("0 24 * * *", "hour"),
            ("0 0 0 * *", "day of month"),
            ("0 0 * 13 *", "month"),
            ("0 0 * * 8", "day of week"),
            ("*/0 * * * *", "step"),
            ("5-1 * * * *", "backwards"),
            ("@sometimes", "preset"),
            ("a b c d e", "minute"),
        ];
        for (bad, reason) in cases {
            let error = check(bad).expect_err(bad);
            assert!(error.contains(reason), "{bad}: {error}");
        }
    }
}
