//! The alias limit (async-graphql has depth and complexity limits built in).

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};

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

/// Whether the document's operation to run (by name, or the only one) is a
/// mutation. Unparsable documents count as not a mutation (the executor
/// refuses them anyway).
pub fn is_mutation(query: &str, operation_name: Option<&str>) -> bool {
    let Ok(doc) = async_graphql::parser::parse_query(query) else {
        return false;
    };
    doc.operations.iter().any(|(name, op)| {
        let selected = match (operation_name, name) {
            (Some(wanted), Some(n)) => n.as_str() == wanted,
            (Some(_), None) => false,
            (None, _) => true,
        };
        selected && op.node.ty == OperationType::Mutation
    })
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

    #[test]
    fn tells_mutations_from_queries() {
        assert!(is_mutation(
            "mutation { logout(refreshToken: \"x\") }",
            None
        ));
        assert!(!is_mutation("{ me { id } }", None));
        let both = "query A { me { id } } mutation B { logout(refreshToken: \"x\") }";
        assert!(is_mutation(both, Some("B")) && !is_mutation(both, Some("A")));
    }
}
