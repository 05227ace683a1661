//! Axis scales with round ticks: 1, 2, 2.5 or 5 times a power of ten, always including zero
//! for bars so they are never cut.

/// Ticks from `min` to `max` (both included in the range), about `target` of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Ticks {
    pub values: Vec<f64>,
    pub step: f64,
}

impl Ticks {
    pub fn lo(&self) -> f64 {
        self.values.first().copied().unwrap_or(0.0)
    }

    pub fn hi(&self) -> f64 {
        self.values.last().copied().unwrap_or(1.0)
    }

    /// Decimals needed to print every tick exactly.
    pub fn decimals(&self) -> usize {
        let mut d = 0;
        while d < 4 && (self.step * 10f64.powi(d as i32)).fract().abs() > 1e-6 {
            d += 1;
        }
        d
    }
}

/// A round step near `span / target`.
fn nice_step(span: f64, target: usize) -> f64 {
    let raw = span / target.max(1) as f64;
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if raw <= m * magnitude * 1.0001 {
            return m * magnitude;
        }
    }
    10.0 * magnitude
}

/// Round ticks covering `min..=max`, starting at zero unless the data are all negative; none
/// when no finite ticks cover the range (values near the largest a float holds, whose span
/// or whose next round tick is infinite).
pub fn ticks(min: f64, max: f64, target: usize) -> Option<Ticks> {
    let (min, max) = (min.min(0.0), max.max(0.0));
    let (min, max) = if (max - min).abs() < 1e-12 {
        (0.0, 1.0)
    } else {
        (min, max)
    };
    let step = nice_step(max - min, target);
    let start = (min / step).floor();
    let end = (max / step).ceil();
    let count = (end - start).clamp(1.0, 50.0) as usize;
    let values = (0..=count)
        .map(|i| {
            let v = (start + i as f64) * step;
            // Keep ticks like 0.30000000000000004 from reaching the SVG.
            (v / step).round() * step
        })
        .collect();
    let ticks = Ticks { values, step };
    let (lo, hi) = (ticks.lo(), ticks.hi());
    ((hi - lo).is_finite() && lo < hi).then_some(ticks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(min: f64, max: f64, target: usize) -> Ticks {
        ticks(min, max, target).expect("ticks")
    }

    #[test]
    fn ticks_are_round_and_cover_the_data_from_zero() {
        let t = some(0.0, 9.7, 5);
        assert_eq!(t.values, [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        let t = some(3.0, 47.3, 5);
        assert_eq!(t.values, [0.0, 10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(some(0.0, 14.7, 5).values, [0.0, 5.0, 10.0, 15.0]);
        assert_eq!(some(0.0, 12.0, 5).step, 2.5);
        assert_eq!(some(0.0, 12.0, 5).decimals(), 1);
        let t = some(-4.0, 21.0, 5);
        assert_eq!((t.lo(), t.hi()), (-5.0, 25.0));
    }

    #[test]
    fn flat_or_empty_data_still_gets_an_axis() {
        assert_eq!(some(0.0, 0.0, 5).values.len(), 6);
        assert!(some(f64::NAN, 1.0, 5).values.len() >= 2);
    }

    #[test]
    fn ranges_no_finite_ticks_cover_have_none() {
        // Once 50 equal ticks of step 1 at the lowest value: the axis had no height, and
        // every value was drawn at an infinite height.
        assert_eq!(ticks(-5.656_593_104_916_786_5e292, f64::MAX, 5), None);
        assert_eq!(ticks(-1e308, 1e308, 5), None);
        assert_eq!(
            ticks(0.0, f64::MAX, 5),
            None,
            "the next round tick is infinite"
        );
        let t = some(0.0, 1e307, 5);
        assert!(t.values.iter().all(|v| v.is_finite()) && t.hi() >= 1e307);
        let t = some(-1e300, 1e300, 5);
        assert!(t.lo() <= -1e300 && t.hi() >= 1e300);
    }
}
