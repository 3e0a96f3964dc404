//! The alias limit (async-graphql has depth and complexity limits built in).

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

fn count(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|s| match &s.node {
            Selection::Field(f) => {
                usize::from(f.node.alias.is_some()) + count(&f.node.selection_set.node)
            }
            Selection::InlineFragment(i) => count(&i.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

fn aliases(doc: &ExecutableDocument) -> usize {
    let ops: usize = doc
        .operations
        .iter()
        .map(|(_, op)| count(&op.node.selection_set.node))
        .sum();
    let frags: usize = doc
        .fragments
        .values()
        .map(|f| count(&f.node.selection_set.node))
        .sum();
    ops + frags
}

/// Refuses documents with more than `max` aliases (alias batching is a
/// classic way around rate limits). Unparsable documents pass through so
/// that the executor reports the syntax error as usual.
pub fn check_aliases(query: &str, max: usize) -> Result<(), String> {
    match async_graphql::parser::parse_query(query) {
        Ok(doc) if aliases(&doc) > max => Err(format!("查询中的别名过多（最多{max}个）")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_aliases_in_operations_and_fragments() {
        let q = "query { a: me { id } b: me { id } ...F } fragment F on Query { c: me { d: id } }";
        assert!(check_aliases(q, 4).is_ok());
        assert!(check_aliases(q, 3).is_err());
    }
}
