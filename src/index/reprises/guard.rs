//! The guard against chains: which cluster an article joins.
//!
//! Articles are taken in clustering order (dated before undated, earliest
//! first, then by id), so that a cluster's founder is its original. Each
//! one looks at the clusters of the earlier articles it is *linked* to (an
//! LSH candidate that passes [`super::is_reprise`]) and may join a cluster
//! `C` only when
//!
//! - it is linked to `C`'s original and, when `C` has other members, to at
//!   least one of them; or
//! - it is linked to more than half of `C`'s members.
//!
//! Among the clusters it may join, it takes the one it resembles most (the
//! highest estimated Jaccard with a linked member; ties: the earlier
//! original); with none, it founds its own. So `A ~ B ~ C` never puts `A`
//! and `C` together unless `C` resembles `A` (or most of the cluster) too,
//! and a long compilation never glues the texts it reprints: published
//! after them, it joins the one it resembles most; published before them,
//! it is the original of the first, and a second text it contains, linked
//! to it but not to the first, founds its own cluster.
//!
//! The result depends on the set of articles and their links alone, not on
//! the order they came in; it also splits by connected component of the
//! link graph, which is what lets [`super::Reprises`] re-derive only the
//! component an insertion or a removal touches.

/// The links of the articles, by position in clustering order, as
/// adjacency lists: `targets[starts[i]..starts[i + 1]]` are the positions
/// linked to `i`, with the estimated Jaccard of the pair.
#[derive(Debug, Default)]
pub(super) struct Links {
    starts: Vec<u32>,
    targets: Vec<(u32, f32)>,
}

impl Links {
    /// From the links as pairs of positions (either way round), for `count`
    /// articles. Each pair appears once.
    pub(super) fn from_pairs(count: usize, pairs: &[(u32, u32, f32)]) -> Links {
        let mut degree = vec![0u32; count + 1];
        for &(a, b, _) in pairs {
            degree[a as usize + 1] += 1;
            degree[b as usize + 1] += 1;
        }
        for i in 1..degree.len() {
            degree[i] += degree[i - 1];
        }
        let starts = degree;
        let mut fill = starts.clone();
        let mut targets = vec![(0u32, 0f32); pairs.len() * 2];
        for &(a, b, similarity) in pairs {
            targets[fill[a as usize] as usize] = (b, similarity);
            fill[a as usize] += 1;
            targets[fill[b as usize] as usize] = (a, similarity);
            fill[b as usize] += 1;
        }
        Links { starts, targets }
    }

    fn of(&self, position: usize) -> &[(u32, f32)] {
        &self.targets[self.starts[position] as usize..self.starts[position + 1] as usize]
    }
}

/// A cluster an article is linked to, as the rule sees it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Met {
    pub root: u32,
    /// Members of the cluster.
    pub size: u32,
    /// Links of the article to members.
    pub links: u32,
    /// Whether one of them is the original.
    pub original: bool,
    /// Whether the article holds at least half of the original's shingles
    /// (estimated): it takes up the text, not one part of a compilation.
    pub covers: bool,
    /// The highest estimated Jaccard of those links.
    pub similarity: f32,
}

impl Met {
    pub(super) fn new(root: u32, size: u32) -> Met {
        Met { root, size, links: 0, original: false, covers: false, similarity: 0.0 }
    }

    /// Counts one link, of Jaccard `similarity`, to `member` (the original
    /// when `member == root`); `shingles` of the article and of the member.
    pub(super) fn add(&mut self, member: u32, similarity: f32, shingles: (u32, u32)) {
        self.links += 1;
        self.similarity = self.similarity.max(similarity);
        if member == self.root {
            self.original = true;
            self.covers = covers(similarity, shingles.0, shingles.1);
        }
    }

    /// Whether the rule lets the article join.
    fn allows(&self) -> bool {
        let through_original = self.original && (self.size == 1 || self.links >= 2 || self.covers);
        through_original || 2 * self.links > self.size
    }
}

/// Whether a text of `a` shingles with an estimated Jaccard `j` to one of
/// `o` shingles holds at least half of the latter's: `|A∩O| = J·(|A| + |O|) / (1 + J)`.
fn covers(j: f32, a: u32, o: u32) -> bool {
    let (a, o) = (f64::from(a), f64::from(o));
    let j = f64::from(j);
    j * (a + o) / (1.0 + j) >= 0.5 * o
}

/// The cluster the article joins among those it met, listed in their
/// originals' clustering order: the one it resembles most among those the
/// rule allows, the earlier on ties; `None`: it founds its own.
pub(super) fn choose(met: &[Met]) -> Option<u32> {
    let mut best: Option<&Met> = None;
    for m in met.iter().filter(|m| m.allows()) {
        if best.is_none_or(|b| m.similarity > b.similarity) {
            best = Some(m);
        }
    }
    best.map(|m| m.root)
}

/// The cluster of each position: the position of its original (itself for
/// an original or a lone article). `count` articles in clustering order,
/// with their numbers of shingles.
pub(super) fn derive(links: &Links, shingles: &[u32]) -> Vec<u32> {
    let count = shingles.len();
    let mut roots: Vec<u32> = (0..count as u32).collect();
    // Members by root (1 for a lone article).
    let mut sizes = vec![1u32; count];
    let mut met: Vec<Met> = Vec::new();
    for y in 0..count {
        met.clear();
        for &(p, similarity) in links.of(y) {
            if p as usize >= y {
                continue;
            }
            let root = roots[p as usize];
            let at = match met.iter().position(|m| m.root == root) {
                Some(at) => at,
                None => {
                    met.push(Met::new(root, sizes[root as usize]));
                    met.len() - 1
                }
            };
            met[at].add(p, similarity, (shingles[y], shingles[p as usize]));
        }
        met.sort_by_key(|m| m.root);
        if let Some(root) = choose(&met) {
            roots[y] = root;
            sizes[root as usize] += 1;
        }
    }
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clusters(count: usize, pairs: &[(u32, u32)]) -> Vec<u32> {
        let pairs: Vec<(u32, u32, f32)> = pairs.iter().map(|&(a, b)| (a, b, 0.5)).collect();
        derive(&Links::from_pairs(count, &pairs), &vec![100; count])
    }

    #[test]
    fn a_chain_is_cut_where_the_original_is_not_met() {
        // 0~1, 1~2, 2~3, 3~4: pairs (0, 1), (2, 3), and 4 alone.
        assert_eq!(clusters(5, &[(0, 1), (1, 2), (2, 3), (3, 4)]), [0, 0, 2, 2, 4]);
    }

    #[test]
    fn most_of_the_members_is_enough_without_the_original() {
        // 1, 2, 3 join 0; 4 is linked to 1, 2 and 3 but not to 0: 3 of 4.
        assert_eq!(
            clusters(5, &[(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3), (1, 4), (2, 4), (3, 4)]),
            [0, 0, 0, 0, 0]
        );
        // Linked to half of them only: not enough.
        assert_eq!(
            clusters(5, &[(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3), (1, 4), (2, 4)]),
            [0, 0, 0, 0, 4]
        );
    }

    #[test]
    fn the_original_alone_is_not_enough_in_a_larger_cluster() {
        // 0 a compilation of 300 shingles; 1 and 2 distinct texts of 100 it contains.
        let pairs = [(0, 1, 0.33), (0, 2, 0.33)];
        assert_eq!(derive(&Links::from_pairs(3, &pairs), &[300, 100, 100]), [0, 0, 2]);
        // 2 holds most of 0 (a repost with cuts and additions): it joins.
        let pairs = [(0, 1, 0.33), (0, 2, 0.5)];
        assert_eq!(derive(&Links::from_pairs(3, &pairs), &[150, 100, 150]), [0, 0, 0]);
    }

    #[test]
    fn the_closest_cluster_wins() {
        let pairs = [(0, 2, 0.3), (1, 2, 0.6)];
        assert_eq!(derive(&Links::from_pairs(3, &pairs), &[100; 3]), [0, 1, 1]);
        let pairs = [(0, 2, 0.5), (1, 2, 0.5)];
        assert_eq!(derive(&Links::from_pairs(3, &pairs), &[100; 3]), [0, 1, 0], "ties: the earlier original");
    }
}
