//! Where each node of a YAML document sits: JSON pointer -> 1-based line.
//!
//! serde_yaml gives values without positions; this index walks the same text with
//! yaml-rust2's event parser, which reports a marker for every key and value. Frontends use it
//! to give every operation, type and field its source line; the workspace and overlays use it
//! to point at lines of their YAML sidecars. A pointer that is not in the index (a node reached
//! through an alias) falls back to its nearest indexed ancestor.
//!
//! It only locates nodes: it does not deserialize values, report parse errors or know any
//! document format (those belong to whoever parses the values).

use std::collections::HashMap;

use foldhash::fast::RandomState;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

#[derive(Debug, Default)]
pub struct LineIndex {
    lines: HashMap<String, u32, RandomState>,
}

/// One open collection while walking the events.
enum Frame {
    Map { key: Option<String> },
    Seq { next: usize },
}

/// The walk's state: open collections, and the current pointer kept as one string that grows
/// and shrinks by a segment (a document of 200,000 nodes builds no pointer from scratch).
#[derive(Default)]
struct Walker {
    frames: Vec<Frame>,
    pointer: String,
    /// The pointer's length before each pushed segment.
    lengths: Vec<usize>,
    lines: HashMap<String, u32, RandomState>,
}

impl Walker {
    fn push(&mut self, segment: &str) {
        self.lengths.push(self.pointer.len());
        self.pointer.push('/');
        if segment.contains(['~', '/']) {
            self.pointer.push_str(&escape(segment));
        } else {
            self.pointer.push_str(segment);
        }
    }

    fn pop(&mut self) {
        if let Some(length) = self.lengths.pop() {
            self.pointer.truncate(length);
        }
    }

    fn record(&mut self, line: usize) {
        if !self.lines.contains_key(&self.pointer) {
            self.lines.insert(self.pointer.clone(), crate::diagnostic::to_u32(line));
        }
    }

    /// Enters the value slot of the innermost collection: pushes its key or index onto the path.
    /// Returns false when the event is a mapping key rather than a value.
    fn enter_value(&mut self, scalar_key: Option<&str>, line: usize) -> bool {
        /// What the innermost collection expects next.
        enum Slot {
            Key,
            Value(String),
            Item(usize),
        }
        let slot = match self.frames.last_mut() {
            Some(Frame::Map { key: None }) => Slot::Key,
            Some(Frame::Map { key: Some(key) }) => Slot::Value(key.clone()),
            Some(Frame::Seq { next }) => Slot::Item(*next),
            None => return true,
        };
        match slot {
            Slot::Key => {
                let name = scalar_key.unwrap_or_default();
                self.push(name);
                self.record(line);
                self.pop();
                if let Some(Frame::Map { key }) = self.frames.last_mut() {
                    *key = Some(name.to_owned());
                }
                false
            }
            Slot::Value(name) => {
                self.push(&name);
                true
            }
            Slot::Item(index) => {
                self.push(&index.to_string());
                self.record(line);
                true
            }
        }
    }

    /// A scalar or an alias: a mapping key, or a value that opens and closes its slot at once.
    fn visit_scalar(&mut self, text: Option<&str>, line: usize) {
        if self.enter_value(text, line) {
            self.leave_value();
        }
    }

    /// Leaves a value slot: pops the path and moves the collection on to its next slot.
    fn leave_value(&mut self) {
        match self.frames.last_mut() {
            Some(Frame::Map { key }) => {
                *key = None;
                self.pop();
            }
            Some(Frame::Seq { next }) => {
                *next += 1;
                self.pop();
            }
            None => {}
        }
    }
}

impl MarkedEventReceiver for Walker {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let line = mark.line();
        match event {
            Event::Scalar(text, ..) => self.visit_scalar(Some(&text), line),
            Event::Alias(_) => self.visit_scalar(None, line),
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if self.enter_value(None, line) || self.frames.is_empty() {
                    self.record(line);
                }
                self.frames.push(match event {
                    Event::MappingStart(..) => Frame::Map { key: None },
                    _ => Frame::Seq { next: 0 },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.frames.pop();
                self.leave_value();
            }
            _ => {}
        }
    }
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// A JSON pointer from unescaped segments.
pub fn pointer<S: AsRef<str>>(segments: &[S]) -> String {
    segments.iter().map(|s| format!("/{}", escape(s.as_ref()))).collect()
}

/// The pointer of `segment` under `parent`.
pub fn child(parent: &str, segment: &str) -> String {
    format!("{parent}/{}", escape(segment))
}

impl LineIndex {
    /// Indexes `text`. Text that is not valid YAML indexes what precedes the fault; the
    /// parse error itself is reported by the frontend that parses the values.
    pub fn new(text: &str) -> Self {
        let mut walker = Walker::default();
        let _partial = Parser::new_from_str(text).load(&mut walker, false);
        LineIndex { lines: walker.lines }
    }

    /// The line of the node at `pointer`, or of its nearest indexed ancestor; 1 when none is.
    pub fn line(&self, pointer: &str) -> u32 {
        let mut current = pointer;
        loop {
            if let Some(line) = self.lines.get(current) {
                return *line;
            }
            match current.rfind('/') {
                Some(cut) => current = &current[..cut],
                None => return 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_keys_sequence_items_and_falls_back_to_ancestors() {
        let text = "a:\n  b: 1\n  c:\n    - x\n    - y: 2\nd/e: &r\n  f: 3\ng: *r\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line("/a"), 1);
        assert_eq!(index.line("/a/b"), 2);
        assert_eq!(index.line("/a/c"), 3);
        assert_eq!(index.line("/a/c/0"), 4);
        assert_eq!(index.line("/a/c/1/y"), 5);
        assert_eq!(index.line(&pointer(&["d/e", "f"])), 7);
        assert_eq!(index.line("/g"), 8);
        assert_eq!(index.line("/g/f"), 8, "through an alias: the alias line");
        assert_eq!(index.line("/nothing/here"), 1);
    }
}
