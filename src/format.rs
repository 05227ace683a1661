//! Numbers and lists as readers and spreadsheets see them: fixed decimals with no negative
//! zero, the decimals a number was written with, and names joined in a sentence.

/// A number with a fixed count of decimals, with a minus sign only when it is negative.
pub fn format_number(number: f64, decimals: usize) -> String {
    let text = format!("{number:.decimals$}");
    if text.starts_with('-') && text.trim_start_matches(['-', '0', '.']).is_empty() {
        text.trim_start_matches('-').to_string()
    } else {
        text
    }
}

/// How many decimals a number was written with (`60.8` → 1, `58` → 0).
pub fn decimals_of(number: f64) -> usize {
    let text = number.to_string();
    text.split_once('.')
        .map_or(0, |(_, frac)| frac.len())
        .min(6)
}

/// A number as it was written, for CSV and JSON-like plain output.
pub fn plain_number(v: f64) -> String {
    format_number(v, decimals_of(v))
}

/// Names joined for a sentence: "A", "A and B", "A, B and C".
pub fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_decimals_and_never_print_negative_zero() {
        assert_eq!(format_number(-0.01, 1), "0.0");
        assert_eq!(format_number(-1.25, 1), "-1.2");
        assert_eq!(decimals_of(60.8), 1);
        assert_eq!(decimals_of(58.0), 0);
        assert_eq!(decimals_of(120.669), 3);
        assert_eq!(plain_number(7.70), "7.7");
    }

    #[test]
    fn names_join_as_in_a_sentence() {
        assert_eq!(join_names(&["A", "B", "C"]), "A, B and C");
        assert_eq!(join_names(&["A"]), "A");
    }
}
