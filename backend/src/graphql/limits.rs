//! Limits on what one document may ask for, beyond async-graphql's built-in
//! depth and field-count complexity: the number of aliases and a cost that
//! counts work (the `edges` and `nodes` of a connection count once per item
//! of the page the connection asks for with `first`, default 50). Both expand fragment spreads where they are used, so a
//! fragment spread ten times counts ten times; each fragment is measured
//! once, so nested spreads cannot make the check itself expensive.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{
    ExecutableDocument, Field, OperationType, Selection, SelectionSet,
};
use async_graphql::{Name, ServerError, ServerResult, Value, Variables};

use crate::pagination::{DEFAULT_PAGE, MAX_PAGE};

/// What a selection costs and how many aliases it holds.
#[derive(Debug, Clone, Copy, Default)]
struct Measure {
    cost: u64,
    aliases: u64,
}

impl Measure {
    fn add(self, o: Measure) -> Measure {
        Measure {
            cost: self.cost.saturating_add(o.cost),
            aliases: self.aliases.saturating_add(o.aliases),
        }
    }
}

struct Walker<'a> {
    doc: &'a ExecutableDocument,
    variables: &'a Variables,
    /// Measured fragments by name and the page they were spread in.
    fragments: HashMap<(&'a str, u64), Measure>,
    /// Fragments being measured (a cycle is refused by validation later;
    /// here it only must not loop).
    open: Vec<&'a str>,
}

impl<'a> Walker<'a> {
    /// The page size a field asks for: `first` (a literal or a variable),
    /// clamped as the resolvers clamp it; the default page when absent.
    fn page(&self, field: &Field) -> u64 {
        let Some((_, value)) = field.arguments.iter().find(|(n, _)| n.node == "first") else {
            return DEFAULT_PAGE;
        };
        let v = value
            .node
            .clone()
            .into_const_with(|name| {
                Ok::<_, ()>(self.variables.get(&name).cloned().unwrap_or(Value::Null))
            })
            .unwrap_or(Value::Null);
        let n = match v {
            Value::Number(n) => n.as_u64().unwrap_or(0),
            _ => DEFAULT_PAGE,
        };
        n.min(MAX_PAGE)
    }

    /// Measures a selection set; `page` is the page size of the field it
    /// belongs to, by which its `edges` and `nodes` are multiplied.
    fn set(&mut self, set: &'a SelectionSet, page: u64) -> Measure {
        let mut total = Measure::default();
        for item in &set.items {
            let m = match &item.node {
                Selection::Field(f) => {
                    let f = &f.node;
                    let inner = self.set(&f.selection_set.node, self.page(f));
                    let times = match f.name.node.as_str() {
                        "edges" | "nodes" => page,
                        _ => 1,
                    };
                    Measure {
                        cost: inner.cost.saturating_add(1).saturating_mul(times),
                        aliases: inner.aliases.saturating_add(u64::from(f.alias.is_some())),
                    }
                }
                Selection::InlineFragment(i) => self.set(&i.node.selection_set.node, page),
                Selection::FragmentSpread(s) => {
                    self.fragment(s.node.fragment_name.node.as_str(), page)
                }
            };
            total = total.add(m);
        }
        total
    }

    fn fragment(&mut self, name: &'a str, page: u64) -> Measure {
        if let Some(m) = self.fragments.get(&(name, page)) {
            return *m;
        }
        if self.open.contains(&name) {
            return Measure::default();
        }
        let Some(def) = self.doc.fragments.get(&Name::new(name)) else {
            return Measure::default();
        };
        self.open.push(name);
        let m = self.set(&def.node.selection_set.node, page);
        self.open.pop();
        self.fragments.insert((name, page), m);
        m
    }
}

/// The cost and alias count of the most demanding operation of a document.
fn measure(doc: &ExecutableDocument, variables: &Variables) -> Measure {
    let mut w = Walker {
        doc,
        variables,
        fragments: HashMap::new(),
        open: vec![],
    };
    doc.operations
        .iter()
        .map(|(_, op)| w.set(&op.node.selection_set.node, 1))
        .fold(Measure::default(), |a, m| Measure {
            cost: a.cost.max(m.cost),
            aliases: a.aliases.max(m.aliases),
        })
}

/// Refuses documents over the alias limit or the cost budget.
pub fn check(
    doc: &ExecutableDocument,
    variables: &Variables,
    max_aliases: usize,
    max_cost: usize,
) -> Result<(), String> {
    let m = measure(doc, variables);
    if m.aliases > max_aliases as u64 {
        return Err(format!("查询中的别名过多（最多{max_aliases}个）"));
    }
    if m.cost > max_cost as u64 {
        return Err(format!(
            "查询的工作量过大（{}，上限{max_cost}）：请减少分页大小（first）或字段",
            m.cost
        ));
    }
    Ok(())
}

/// The schema extension applying [`check`] to every parsed document, before
/// validation and execution.
pub struct CostLimits {
    /// Most aliases in one document.
    pub max_aliases: usize,
    /// Highest cost of one operation.
    pub max_cost: usize,
}

impl ExtensionFactory for CostLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostLimitsExt {
            max_aliases: self.max_aliases,
            max_cost: self.max_cost,
        })
    }
}

struct CostLimitsExt {
    max_aliases: usize,
    max_cost: usize,
}

#[async_graphql::async_trait::async_trait]
impl Extension for CostLimitsExt {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        check(&doc, variables, self.max_aliases, self.max_cost).map_err(|m| {
            let mut e = ServerError::new(m, None);
            e.extensions
                .get_or_insert_with(Default::default)
                .set("code", "VALIDATION");
            e
        })?;
        Ok(doc)
    }
}

/// What the HTTP layer needs to know of the operation a request runs,
/// before executing it: read from one parse of the document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Operation {
    /// A mutation (the request's transaction takes the write lock first).
    pub mutation: bool,
    /// Its root fields by field name, not alias; a fragment at the root is
    /// reported as `"..."`, a field that is unknown to every caller.
    pub root_fields: Vec<String>,
}

/// The operation a request runs (by name, or the first); `None` when the
/// document does not parse or names no such operation (the executor refuses
/// those anyway).
pub fn operation(query: &str, operation_name: Option<&str>) -> Option<Operation> {
    let doc = async_graphql::parser::parse_query(query).ok()?;
    let op = doc.operations.iter().find_map(|(name, op)| {
        let selected = match (operation_name, name) {
            (Some(wanted), Some(n)) => n.as_str() == wanted,
            (Some(_), None) => false,
            (None, _) => true,
        };
        selected.then_some(op)
    })?;
    Some(Operation {
        mutation: op.node.ty == OperationType::Mutation,
        root_fields: op
            .node
            .selection_set
            .node
            .items
            .iter()
            .map(|s| match &s.node {
                Selection::Field(f) => f.node.name.node.to_string(),
                _ => "...".to_string(),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root_fields(q: &str, name: Option<&str>) -> Option<Vec<String>> {
        operation(q, name).map(|o| o.root_fields)
    }

    fn of(q: &str, vars: serde_json::Value) -> Measure {
        let doc = async_graphql::parser::parse_query(q).unwrap();
        measure(&doc, &Variables::from_json(vars))
    }

    #[test]
    fn lists_root_fields_by_name() {
        assert_eq!(
            root_fields(
                "mutation { x: login(username: \"a\", password: \"b\") { accessToken } }",
                None
            ),
            Some(vec!["login".to_string()])
        );
        assert_eq!(
            root_fields(
                "query A { me { id } } query B { a: me { id } ...F }",
                Some("B")
            ),
            Some(vec!["me".to_string(), "...".to_string()])
        );
        assert_eq!(root_fields("{", None), None);
    }

    #[test]
    fn counts_aliases_in_operations_and_every_use_of_a_fragment() {
        let q = "query { a: me { id } b: me { id } ...F } fragment F on Query { c: me { d: id } }";
        assert_eq!(of(q, serde_json::json!({})).aliases, 4);
        let spread_twice =
            "query { x: me { ...G } y: me { ...G } } fragment G on User { a: id b: id }";
        assert_eq!(of(spread_twice, serde_json::json!({})).aliases, 6);
    }

    #[test]
    fn connection_fields_multiply_by_their_page() {
        let one = of(
            "{ students(first: 200) { edges { node { id } } } }",
            serde_json::json!({}),
        );
        assert_eq!(one.cost, 1 + 200 * 3);
        let by_var = of(
            "query($n: Int) { students(first: $n) { edges { node { id } } } }",
            serde_json::json!({ "n": 10 }),
        );
        assert_eq!(by_var.cost, 1 + 10 * 3);
        let default = of(
            "{ students { edges { node { id } } } }",
            serde_json::json!({}),
        );
        assert_eq!(default.cost, 1 + DEFAULT_PAGE * 3);
        let clamped = of(
            "{ students(first: 100000) { edges { cursor } } }",
            serde_json::json!({}),
        );
        assert_eq!(clamped.cost, 1 + MAX_PAGE * 2);
        let count_only = of(
            "{ students(first: 200) { totalCount } }",
            serde_json::json!({}),
        );
        assert_eq!(count_only.cost, 2);
        let via_fragment = of(
            "{ students(first: 20) { ...E } } fragment E on StudentConnection { edges { node { id } } }",
            serde_json::json!({}),
        );
        assert_eq!(via_fragment.cost, 1 + 20 * 3);
    }

    #[test]
    fn nested_fragments_are_measured_once_each() {
        // 40 fragments each spreading the next twice: 2^40 uses, measured in
        // a blink, and the cost saturates instead of overflowing.
        let mut q = String::from("{ ...F0 }");
        for i in 0..40 {
            q.push_str(&format!(
                " fragment F{i} on Query {{ a{i}: me {{ ...F{n} }} b{i}: me {{ ...F{n} }} }}",
                n = i + 1
            ));
        }
        q.push_str(" fragment F40 on User { id }");
        let m = of(&q, serde_json::json!({}));
        assert!(m.aliases > 1_000_000 && m.cost > 1_000_000);
        assert!(
            check(
                &async_graphql::parser::parse_query(&q).unwrap(),
                &Variables::default(),
                30,
                10_000
            )
            .is_err()
        );
    }

    #[test]
    fn cyclic_fragments_terminate() {
        let q = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A me { id } }";
        assert!(of(q, serde_json::json!({})).cost >= 2);
    }

    #[test]
    fn tells_mutations_from_queries() {
        let is_mutation =
            |q: &str, name: Option<&str>| operation(q, name).is_some_and(|o| o.mutation);
        assert!(is_mutation(
            "mutation { logout(refreshToken: \"x\") }",
            None
        ));
        assert!(!is_mutation("{ me { id } }", None));
        let both = "query A { me { id } } mutation B { logout(refreshToken: \"x\") }";
        assert!(is_mutation(both, Some("B")) && !is_mutation(both, Some("A")));
    }
}
