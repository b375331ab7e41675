//! Themes' article counts and per-month timelines, computed from the index
//! on demand: a theme is a saved query, so editing themes.toml needs no
//! re-index.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use tantivy::collector::{Collector, Count, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{AllQuery, Query};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::IndexError;
use super::compile::Combine;
use super::query::Node;
use super::search::Searcher;
use crate::config::Theme;

/// A month, as `YYYY-MM`.
pub type Month = String;

/// Counts articles per month of publication (undated articles are not counted).
pub struct MonthCollector;

pub struct MonthSegmentCollector {
    column: Column<tantivy::DateTime>,
    counts: BTreeMap<(i32, u32), u64>,
}

impl Collector for MonthCollector {
    type Fruit = BTreeMap<(i32, u32), u64>;
    type Child = MonthSegmentCollector;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<MonthSegmentCollector> {
        let column = segment.fast_fields().date("published")?;
        Ok(MonthSegmentCollector { column, counts: BTreeMap::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all = BTreeMap::new();
        for fruit in fruits {
            for (month, n) in fruit {
                *all.entry(month).or_insert(0) += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for MonthSegmentCollector {
    type Fruit = BTreeMap<(i32, u32), u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(date) = self.column.first(doc)
            && let Some(t) = chrono::DateTime::from_timestamp(date.into_timestamp_secs(), 0)
        {
            *self.counts.entry((t.year(), t.month())).or_insert(0) += 1;
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.counts
    }
}

/// Themes counted, and the themes whose query failed (with their id).
pub type ThemeCounts = (Vec<ThemeCount>, Vec<(String, IndexError)>);

/// One theme's figures.
#[derive(Debug, Clone, Serialize)]
pub struct ThemeCount {
    pub id: String,
    pub label: String,
    pub count: usize,
    /// Articles per month, from the archive's first month to its last
    /// (empty unless asked for).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<(Month, u64)>,
}

/// Every month from the first to the last key, zeros included.
fn fill(months: &BTreeMap<(i32, u32), u64>, range: Option<((i32, u32), (i32, u32))>) -> Vec<(Month, u64)> {
    let Some((first, last)) = range else { return Vec::new() };
    let mut out = Vec::new();
    let mut date = NaiveDate::from_ymd_opt(first.0, first.1, 1);
    while let Some(d) = date {
        let key = (d.year(), d.month());
        if key > last {
            break;
        }
        out.push((format!("{:04}-{:02}", key.0, key.1), months.get(&key).copied().unwrap_or(0)));
        date = d.checked_add_months(chrono::Months::new(1));
    }
    out
}

impl Searcher {
    /// Per-month counts of articles matching `query` (`None`: the whole archive).
    pub fn months(&self, query: Option<&dyn Query>) -> Result<BTreeMap<(i32, u32), u64>, IndexError> {
        let searcher = self.reader_searcher();
        Ok(searcher.search(query.unwrap_or(&AllQuery), &MonthCollector)?)
    }

    /// Counts (and timelines) of themes; a theme whose query fails is
    /// reported apart and the others are counted.
    pub fn theme_counts(
        &self,
        themes: &[Theme],
        parsed: &std::collections::HashMap<String, Node>,
        timeline: bool,
    ) -> Result<ThemeCounts, IndexError> {
        let range = if timeline {
            let all = self.months(None)?;
            all.keys().next().copied().zip(all.keys().next_back().copied())
        } else {
            None
        };
        let searcher = self.reader_searcher();
        let mut counts = Vec::new();
        let mut errors = Vec::new();
        for theme in themes {
            let Some(node) = parsed.get(&theme.id) else { continue };
            let query = match self.compile(node, Combine::All) {
                Ok(Some(query)) => query,
                Ok(None) => {
                    counts.push(ThemeCount {
                        id: theme.id.clone(),
                        label: theme.label.clone(),
                        count: 0,
                        timeline: Vec::new(),
                    });
                    continue;
                }
                Err(e) => {
                    errors.push((theme.id.clone(), e));
                    continue;
                }
            };
            let (count, months) = if timeline {
                let (count, months) = searcher.search(query.as_ref(), &(Count, MonthCollector))?;
                (count, fill(&months, range))
            } else {
                (searcher.search(query.as_ref(), &Count)?, Vec::new())
            };
            counts.push(ThemeCount {
                id: theme.id.clone(),
                label: theme.label.clone(),
                count,
                timeline: months,
            });
        }
        Ok((counts, errors))
    }
}

impl Searcher {
    /// The themes each of `ids` belongs to, in themes.toml order.
    pub fn themes_of(
        &self,
        ids: &[String],
        themes: &[Theme],
        parsed: &std::collections::HashMap<String, Node>,
    ) -> Result<std::collections::HashMap<String, Vec<String>>, IndexError> {
        use tantivy::collector::DocSetCollector;
        use tantivy::query::{BooleanQuery, Occur, TermSetQuery};
        let mut out: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let fields = self.index().fields();
        let terms = ids.iter().map(|id| tantivy::Term::from_field_text(fields.id, id));
        let among: Box<dyn Query> = Box::new(TermSetQuery::new(terms));
        let searcher = self.reader_searcher();
        let mut by_address: std::collections::HashMap<tantivy::DocAddress, Vec<String>> =
            std::collections::HashMap::new();
        for theme in themes {
            let Some(node) = parsed.get(&theme.id) else { continue };
            let Ok(Some(query)) = self.compile(node, Combine::All) else { continue };
            let both = BooleanQuery::new(vec![(Occur::Must, query), (Occur::Must, among.box_clone())]);
            for address in searcher.search(&both, &DocSetCollector)? {
                by_address.entry(address).or_default().push(theme.id.clone());
            }
        }
        // Each article's id read once, from its fast field: loading the
        // stored document (its whole body) once per theme it is in cost a
        // keystroke in the terminal UI tens of milliseconds at a million articles.
        let mut columns: std::collections::HashMap<u32, tantivy::columnar::StrColumn> =
            std::collections::HashMap::new();
        for (address, theme_ids) in by_address {
            let column = match columns.entry(address.segment_ord) {
                std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
                std::collections::hash_map::Entry::Vacant(entry) => {
                    let segment = searcher.segment_reader(address.segment_ord);
                    let Some(column) = segment.fast_fields().str("id")? else { continue };
                    entry.insert(column)
                }
            };
            let Some(ord) = column.term_ords(address.doc_id).next() else { continue };
            let mut id = String::new();
            if column
                .ord_to_str(ord, &mut id)
                .map_err(|source| IndexError::Io { path: self.index().dir().to_path_buf(), source })?
            {
                out.entry(id).or_default().extend(theme_ids);
            }
        }
        // In the themes' order, as before.
        for list in out.values_mut() {
            list.sort_by_key(|id| themes.iter().position(|t| &t.id == id));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_runs_over_years_with_zeros() {
        let mut months = BTreeMap::new();
        months.insert((2024, 11), 2);
        months.insert((2025, 2), 1);
        let filled = fill(&months, Some(((2024, 11), (2025, 2))));
        assert_eq!(
            filled,
            [("2024-11".into(), 2), ("2024-12".into(), 0), ("2025-01".into(), 0), ("2025-02".into(), 1)]
        );
    }
}
