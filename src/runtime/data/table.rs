//! The rows of one source object, stored flat.
//!
//! Input: rows pushed in file order by the stager (or `ferry check`), each
//! with its 1-based line. Output: cells by (row, column).
//! Invariants: every row has the same number of stored cells (short rows
//! padded with null, long rows cut); columns a [`Table::with_columns`]
//! table does not store read as null; rows keep file order.

use crate::value::Value;
use std::sync::Arc;

static NULL: Value = Value::Null;

/// The rows of one source object, stored flat.
///
/// A table made with [`Table::with_columns`] stores only the columns a run
/// reads (the others read as null): a wide export file of which a spec
/// uses a few columns takes a few cells per row, not all of them.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// The file the rows came from, for reports (`contacts.csv`).
    pub file: Arc<str>,
    /// Columns of the source (the plan's layout).
    width: usize,
    /// Column → stored position (`ABSENT`: not stored); empty when every
    /// column is stored in order.
    slots: Vec<u32>,
    /// Cells stored per row.
    stored: usize,
    cells: Vec<Value>,
    /// 1-based line of each row in `file`.
    lines: Vec<u32>,
}

const ABSENT: u32 = u32::MAX;

impl Table {
    /// An empty table of `width` columns.
    pub fn new(file: impl Into<Arc<str>>, width: usize) -> Table {
        Table {
            file: file.into(),
            width,
            slots: Vec::new(),
            stored: width,
            cells: Vec::new(),
            lines: Vec::new(),
        }
    }

    pub fn with_capacity(file: impl Into<Arc<str>>, width: usize, rows: usize) -> Table {
        let mut t = Table::new(file, width);
        t.reserve(rows);
        t
    }

    /// An empty table of `keep.len()` columns storing only those `keep`
    /// marks; rows are then pushed with the kept columns' cells, in order.
    pub fn with_columns(file: impl Into<Arc<str>>, keep: &[bool], rows: usize) -> Table {
        let mut t = Table::new(file, keep.len());
        if keep.iter().any(|&k| !k) {
            let mut next = 0;
            t.slots = keep
                .iter()
                .map(|&k| {
                    if k {
                        next += 1;
                        next - 1
                    } else {
                        ABSENT
                    }
                })
                .collect();
            t.stored = next as usize;
        }
        t.reserve(rows);
        t
    }

    fn reserve(&mut self, rows: usize) {
        self.cells.reserve(rows.saturating_mul(self.stored));
        self.lines.reserve(rows);
    }

    /// An empty table with this one's file and columns.
    pub fn empty_like(&self, rows: usize) -> Table {
        let mut t = Table {
            file: self.file.clone(),
            width: self.width,
            slots: self.slots.clone(),
            stored: self.stored,
            cells: Vec::new(),
            lines: Vec::new(),
        };
        t.reserve(rows);
        t
    }

    /// Appends a row read at `line`: the stored columns' cells in order
    /// (every column for a table made with [`Table::new`]). Extra cells
    /// are dropped, missing ones are null, so a ragged row can never shift
    /// the columns after it.
    pub fn push(&mut self, row: impl IntoIterator<Item = Value>, line: u32) {
        let start = self.cells.len();
        self.cells.extend(row.into_iter().take(self.stored));
        self.cells.resize(start + self.stored, Value::Null);
        self.lines.push(line);
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Columns of the source.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The stored cells of row `i` (empty when out of range).
    pub fn row(&self, i: u32) -> &[Value] {
        let start = (i as usize).saturating_mul(self.stored);
        self.cells
            .get(start..start.saturating_add(self.stored))
            .unwrap_or(&[])
    }

    /// One cell; null when the row or column is out of range or not stored.
    #[inline]
    pub fn cell(&self, row: u32, col: u32) -> &Value {
        let slot = if self.slots.is_empty() {
            if col as usize >= self.width {
                return &NULL;
            }
            col
        } else {
            match self.slots.get(col as usize) {
                Some(&s) if s != ABSENT => s,
                _ => return &NULL,
            }
        };
        let at = (row as usize).saturating_mul(self.stored) + slot as usize;
        self.cells.get(at).unwrap_or(&NULL)
    }

    /// The 1-based line of row `i` in [`Table::file`] (0 when unknown).
    pub fn line(&self, i: u32) -> u32 {
        self.lines.get(i as usize).copied().unwrap_or(0)
    }

    /// Moves `other`'s rows after this table's (a file staged in parts).
    pub fn append(&mut self, mut other: Table) {
        if other.width == self.width && other.slots == self.slots {
            self.cells.append(&mut other.cells);
            self.lines.append(&mut other.lines);
        } else {
            for i in 0..other.len() as u32 {
                let row: Vec<Value> = (0..self.width as u32)
                    .filter(|&c| self.stores(c))
                    .map(|c| other.cell(i, c).clone())
                    .collect();
                self.push(row, other.line(i));
            }
        }
    }

    /// Whether column `col` is stored.
    fn stores(&self, col: u32) -> bool {
        if self.slots.is_empty() {
            (col as usize) < self.width
        } else {
            self.slots.get(col as usize).is_some_and(|&s| s != ABSENT)
        }
    }

    /// The rows kept by `keep` (missing flags mean keep), in order.
    /// Cells are moved, not cloned: a million-row table is not doubled.
    pub(super) fn retain(self, keep: &[bool]) -> Table {
        let mut out = self.empty_like(self.lines.len());
        let Table {
            cells,
            lines,
            stored,
            ..
        } = self;
        let mut cells = cells.into_iter();
        for (i, line) in lines.into_iter().enumerate() {
            let row = cells.by_ref().take(stored);
            if keep.get(i).copied().unwrap_or(true) {
                out.push(row, line);
            } else {
                row.for_each(drop);
            }
        }
        out
    }
}
