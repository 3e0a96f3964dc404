//! Text rules for every piece of user-supplied text, and the request guard
//! that applies them to every string argument of every GraphQL request.
//!
//! [`text`] is the one rule: no NUL or other control characters (line
//! breaks and tabs only in multi-line text), no bidirectional overrides or
//! isolates (they make text display as something else, e.g. a name that
//! reads backwards), no zero-width characters (two names that look the same
//! would differ), and a maximum length. Fields with a tighter rule (names,
//! search strings, notes) check their own length; [`InputGuard`] makes sure
//! that no string of any request, in variables or written inline, reaches a
//! service with a forbidden character or beyond [`MAX_ANY_TEXT`].

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ServerResult, Value, Variables};

use crate::error::ApiError;

/// The longest string any argument may carry (longer than every field's own
/// limit: the longest free text, a growth record, is 5,000 characters).
pub const MAX_ANY_TEXT: usize = 20_000;
/// The longest search string.
pub const MAX_SEARCH: usize = 50;

/// Why a piece of text is refused by [`text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    /// NUL, another C0/C1 control or DEL, or a line break or tab where
    /// none is allowed.
    Control,
    /// A bidirectional embedding, override or isolate (U+202A–U+202E,
    /// U+2066–U+2069) or an invisible direction mark (U+200E, U+200F, U+061C).
    Bidi,
    /// A zero-width space, joiner or no-break space (U+200B–U+200D, U+2060,
    /// U+FEFF).
    ZeroWidth,
    /// More characters than allowed (the limit).
    TooLong(usize),
}

impl TextProblem {
    /// The message users see (Chinese).
    pub fn message(self) -> String {
        match self {
            TextProblem::Control => "含有控制字符（如NUL、换行），请删除".into(),
            TextProblem::Bidi => "含有文字方向控制字符（如U+202E），请删除".into(),
            TextProblem::ZeroWidth => "含有零宽字符（如U+200B），请删除".into(),
            TextProblem::TooLong(n) => format!("不能超过{n}个字"),
        }
    }

    /// As a `VALIDATION` error for one field.
    pub fn for_field(self, field: &str) -> ApiError {
        ApiError::invalid(field, self.message())
    }
}

/// The invisible characters [`text`] refuses, with the reason.
pub fn invisible(c: char) -> Option<TextProblem> {
    match c {
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => Some(TextProblem::Bidi),
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => Some(TextProblem::ZeroWidth),
        _ => None,
    }
}

/// Any user-supplied text: at most `max_chars` characters; no control
/// characters (line breaks and tabs only when `multiline`); no bidi
/// controls or zero-width characters.
pub fn text(v: &str, max_chars: usize, multiline: bool) -> Result<(), TextProblem> {
    for (n, c) in v.chars().enumerate() {
        if n >= max_chars {
            return Err(TextProblem::TooLong(max_chars));
        }
        if c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')) {
            return Err(TextProblem::Control);
        }
        if let Some(p) = invisible(c) {
            return Err(p);
        }
    }
    Ok(())
}

/// A search string: one line of at most [`MAX_SEARCH`] characters.
pub fn search(field: &str, v: Option<&str>) -> Result<(), ApiError> {
    match v {
        Some(s) => text(s, MAX_SEARCH, false).map_err(|p| p.for_field(field)),
        None => Ok(()),
    }
}

/// Checks every string of a request (variables, inline arguments, variable
/// defaults) with [`text`] (multi-line allowed, [`MAX_ANY_TEXT`]). Runs
/// right after parsing, before validation and execution.
pub struct InputGuard;

impl ExtensionFactory for InputGuard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(InputGuard)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for InputGuard {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let refused = |(field, p): (String, TextProblem)| {
            async_graphql::Error::from(p.for_field(&field)).into_server_error(Default::default())
        };
        for (name, v) in variables.iter() {
            check_value(name.as_str(), v).map_err(refused)?;
        }
        check_document(&doc).map_err(refused)?;
        Ok(doc)
    }
}

type Found = (String, TextProblem);

fn check_str(path: &str, s: &str) -> Result<(), Found> {
    text(s, MAX_ANY_TEXT, true).map_err(|p| (path.to_string(), p))
}

/// A constant value (variables, defaults); object keys are checked too.
fn check_value(path: &str, v: &Value) -> Result<(), Found> {
    match v {
        Value::String(s) => check_str(path, s),
        Value::List(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, x)| check_value(&format!("{path}.{i}"), x)),
        Value::Object(m) => m.iter().try_for_each(|(k, x)| {
            let p = format!("{path}.{k}");
            check_str(&p, k.as_str())?;
            check_value(&p, x)
        }),
        _ => Ok(()),
    }
}

/// Arguments written in the document: `$variables` inside them (checked
/// with the variables) are read as null.
macro_rules! check_args {
    ($args:expr) => {
        $args.iter().try_for_each(|(n, v)| {
            let Ok(c) = v
                .node
                .clone()
                .into_const_with(|_| Ok::<_, std::convert::Infallible>(Value::Null));
            check_value(n.node.as_str(), &c)
        })
    };
}

fn check_set(set: &SelectionSet) -> Result<(), Found> {
    set.items.iter().try_for_each(|s| match &s.node {
        Selection::Field(f) => {
            check_args!(f.node.arguments)?;
            for d in &f.node.directives {
                check_args!(d.node.arguments)?;
            }
            check_set(&f.node.selection_set.node)
        }
        Selection::InlineFragment(i) => check_set(&i.node.selection_set.node),
        Selection::FragmentSpread(_) => Ok(()),
    })
}

fn check_document(doc: &ExecutableDocument) -> Result<(), Found> {
    for (_, op) in doc.operations.iter() {
        for var in &op.node.variable_definitions {
            if let Some(d) = &var.node.default_value {
                check_value(var.node.name.node.as_str(), &d.node)?;
            }
        }
        check_set(&op.node.selection_set.node)?;
    }
    doc.fragments
        .values()
        .try_for_each(|f| check_set(&f.node.selection_set.node))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_refuses_invisible_and_control_characters_and_length() {
        assert_eq!(text("张三 note\nline 2", 100, true), Ok(()));
        assert_eq!(text("a\nb", 100, false), Err(TextProblem::Control));
        assert_eq!(text("a\0b", 100, true), Err(TextProblem::Control));
        for c in ['\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}'] {
            assert_eq!(text(&format!("x{c}y"), 100, true), Err(TextProblem::Bidi));
        }
        for c in ['\u{200B}', '\u{200C}', '\u{200D}', '\u{FEFF}'] {
            assert_eq!(
                text(&format!("x{c}y"), 100, true),
                Err(TextProblem::ZeroWidth)
            );
        }
        assert_eq!(text(&"字".repeat(5), 5, false), Ok(()));
        assert_eq!(
            text(&"字".repeat(6), 5, false),
            Err(TextProblem::TooLong(5))
        );
        assert!(search("search", Some(&"a".repeat(MAX_SEARCH + 1))).is_err());
        assert!(search("search", Some("张")).is_ok() && search("search", None).is_ok());
    }

    #[test]
    fn the_guard_finds_strings_inline_nested_and_in_variables() {
        let doc = async_graphql::parser::parse_query(
            r#"query($q: String = "ok") { a(x: {y: ["fine", "bad\u202E"]}) { b } }"#,
        )
        .unwrap();
        assert_eq!(
            check_document(&doc),
            Err(("x.y.1".to_string(), TextProblem::Bidi))
        );
        let doc = async_graphql::parser::parse_query(
            "query($q: String = \"\\u0000\") { a { ...F } } fragment F on T { b(s: \"ok\") }",
        )
        .unwrap();
        assert_eq!(
            check_document(&doc),
            Err(("q".to_string(), TextProblem::Control))
        );
        let vars = Variables::from_json(serde_json::json!({
            "input": { "notes": ["ok", "zero\u{200B}width"] }
        }));
        let found = vars
            .iter()
            .try_for_each(|(n, v)| check_value(n.as_str(), v));
        assert_eq!(
            found,
            Err(("input.notes.1".to_string(), TextProblem::ZeroWidth))
        );
    }
}
