//! The assignment problem: match rows to columns for the largest total weight (Hungarian
//! method). Matches target GPUs to running GPUs by the instances they share.

/// Best assignment of rows to columns maximizing `weight` (Hungarian method on a square
/// matrix padded with zeros). Returns, per row, its column.
pub fn assignment(weight: &[Vec<i64>]) -> Vec<usize> {
    let rows = weight.len();
    let cols = weight.first().map_or(0, Vec::len);
    let n = rows.max(cols);
    let cost = |i: usize, j: usize| -> i64 { -(weight.get(i).and_then(|r| r.get(j)).copied().unwrap_or(0)) };
    // Potentials and matching, 1-based as in the classic formulation.
    let (mut u, mut v) = (vec![0i64; n + 1], vec![0i64; n + 1]);
    let mut matched = vec![0usize; n + 1];
    let mut way = vec![0usize; n + 1];
    for i in 1..=n {
        matched[0] = i;
        let mut j0 = 0;
        let mut min = vec![i64::MAX; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            used[j0] = true;
            let i0 = matched[j0];
            let mut delta = i64::MAX;
            let mut j1 = 0;
            for j in 1..=n {
                if used[j] {
                    continue;
                }
                let reduced = cost(i0 - 1, j - 1) - u[i0] - v[j];
                if reduced < min[j] {
                    min[j] = reduced;
                    way[j] = j0;
                }
                if min[j] < delta {
                    delta = min[j];
                    j1 = j;
                }
            }
            for j in 0..=n {
                if used[j] {
                    u[matched[j]] += delta;
                    v[j] -= delta;
                } else {
                    min[j] -= delta;
                }
            }
            j0 = j1;
            if matched[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            matched[j0] = matched[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut of_row = vec![0usize; n];
    for j in 1..=n {
        if matched[j] > 0 {
            of_row[matched[j] - 1] = j - 1;
        }
    }
    of_row.truncate(rows);
    of_row
}

#[cfg(test)]
mod tests {
    use super::assignment;

    #[test]
    fn assignment_maximizes_total_weight() {
        let w = vec![vec![1, 5, 0], vec![4, 6, 0], vec![0, 0, 2]];
        // Greedy would take (1,1)=6 then (0,0)=1: 9; best is (0,1)+(1,0)+(2,2) = 11.
        assert_eq!(assignment(&w), vec![1, 0, 2]);
        let wide = vec![vec![0, 3, 1]];
        assert_eq!(assignment(&wide), vec![1]);
        let tall = vec![vec![2], vec![5]];
        let a = assignment(&tall);
        assert_eq!(a[1], 0);
        assert_eq!(a[0], 1, "the padded column");
    }
}
