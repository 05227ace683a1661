//! Numbers and lists as readers and spreadsheets see them: fixed decimals with no negative
//! zero, the decimals a number was written with, and names joined in a sentence.

/// A number with a fixed count of decimals, with a minus sign only when it is negative.
pub fn format_number(number: f64, decimals: usize) -> String {
    if let Some(text) = quick_fixed(number, decimals) {
        return text;
    }
    let text = format!("{number:.decimals$}");
    if text.starts_with('-') && text.trim_start_matches(['-', '0', '.']).is_empty() {
        text.trim_start_matches('-').to_string()
    } else {
        text
    }
}

/// `format_number` for the numbers content holds: when `number` scaled by 10^decimals is
/// near a whole number (well away from a tie) and small enough to be exact, rounding it is
/// what exact formatting gives, and writing that whole number is much quicker.
fn quick_fixed(number: f64, decimals: usize) -> Option<String> {
    const POWERS: [f64; 7] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6];
    let scaled = number * POWERS.get(decimals)?;
    let whole = scaled.round();
    if !(scaled.abs() < 1e12 && (scaled - whole).abs() <= 0.4) {
        return None;
    }
    // No minus sign when the number rounds to zero.
    let negative = whole < 0.0;
    let digits = itoa::Buffer::new().format(whole.abs() as u64).to_string();
    let mut text = String::with_capacity(digits.len() + decimals + 3);
    if negative {
        text.push('-');
    }
    match digits.len().checked_sub(decimals) {
        Some(0) | None => {
            text.push_str("0.");
            text.extend(std::iter::repeat_n('0', decimals - digits.len()));
            text.push_str(&digits);
        }
        Some(split) => {
            let (int, frac) = digits.split_at(split);
            text.push_str(int);
            if decimals > 0 {
                text.push('.');
                text.push_str(frac);
            }
        }
    }
    Some(text)
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

    proptest::proptest! {
        /// The quick path writes what exact formatting writes, whenever it answers.
        #[test]
        fn quick_fixed_matches_exact_formatting(
            whole in -2_000_000_000i64..2_000_000_000,
            hundredths in 0i64..100,
            noise in -1e-3f64..1e-3,
            decimals in 0usize..8,
        ) {
            let number = whole as f64 / 100.0 + hundredths as f64 / 1e4 + noise;
            for n in [number, whole as f64 / 10.0, -(hundredths as f64) / 1000.0] {
                let exact = format!("{n:.decimals$}");
                let exact = if exact.starts_with('-') && exact.trim_start_matches(['-', '0', '.']).is_empty() {
                    exact.trim_start_matches('-').to_string()
                } else {
                    exact
                };
                if let Some(quick) = quick_fixed(n, decimals) {
                    proptest::prop_assert_eq!(quick, exact, "{} to {} decimals", n, decimals);
                }
            }
        }
    }
}
