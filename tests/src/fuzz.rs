//! A schema-driven GraphQL fuzzer: reads the checked-in SDL and generates
//! valid operations (every argument type-correct, every selection set built
//! from the return type) with hostile but legal values — boundary ints,
//! overflowing cursors, very long strings, NUL / bidi-override / zero-width
//! characters, random enum values, nested input objects — and ids taken from
//! earlier responses so that operations hit real rows. Deterministic for a
//! seed. The runner lives in `tests/tests/fuzz.rs`; see docs/API.md § Fuzzer.

use std::collections::{BTreeMap, BTreeSet};

mod schema;
mod tenant;

pub use schema::{Field, InputValue, Schema, Ty};
use serde_json::{Map, Value, json};
pub use tenant::{Secrets, district_secrets};

/// A small deterministic PRNG (SplitMix64): the same seed gives the same run.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A random (version 4 shaped) UUID.
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | (b >> 48 & 0x3fff),
            b & 0xffff_ffff_ffff
        )
    }

    /// Shuffles a slice in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// The kind of record an id (argument or response field) refers to, from a
/// type or field name: `studentId`, `StudentRef` → `student`;
/// `mentorId`, `EligibleMentor`, `headTeacherId` → `staff`.
pub fn kind_of(name: &str) -> String {
    let mut n = name.to_lowercase();
    for suffix in ["ids", "id", "ref"] {
        if n.len() > suffix.len() && n.ends_with(suffix) {
            n.truncate(n.len() - suffix.len());
            break;
        }
    }
    let staff = [
        "staff",
        "mentor",
        "leadmentor",
        "member",
        "proposedmember",
        "comentor",
        "headteacher",
        "responsiblementor",
        "eligiblementor",
        "mentorwithplaces",
        "mentorload",
        "mentorloadline",
    ];
    if staff.contains(&n.as_str()) {
        return "staff".into();
    }
    match n.as_str() {
        "account" | "userinfo" | "me" | "actoruser" | "user" | "recordedby" | "amendedby"
        | "createdby" => "user".into(),
        "matchinground" => "round".into(),
        "mentorteamapplication" => "application".into(),
        "rolegrant" => "grant".into(),
        _ => n,
    }
}

/// What one role has seen so far: ids by kind, cursors, JSON documents.
#[derive(Debug, Default, Clone)]
pub struct Pool {
    ids: BTreeMap<String, Vec<String>>,
    all_ids: Vec<String>,
    seen: BTreeSet<String>,
    cursors: Vec<String>,
    json: Vec<Value>,
}

/// True for a canonical UUID string.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

impl Pool {
    const CAP: usize = 400;

    fn add_id(&mut self, kind: &str, id: &str) {
        if !is_uuid(id) {
            return;
        }
        let list = self.ids.entry(kind.to_string()).or_default();
        if list.len() < Self::CAP && !list.iter().any(|x| x == id) {
            list.push(id.to_string());
        }
        if self.seen.insert(id.to_string()) && self.all_ids.len() < Self::CAP * 4 {
            self.all_ids.push(id.to_string());
        }
    }

    /// Takes ids, cursors and JSON documents from a response's `data`.
    pub fn harvest(&mut self, data: &Value) {
        self.walk(data, None);
    }

    fn walk(&mut self, v: &Value, typename: Option<&str>) {
        match v {
            Value::Object(m) => {
                let tn = m.get("__typename").and_then(Value::as_str).or(typename);
                for (k, x) in m {
                    match (k.as_str(), x) {
                        ("id", Value::String(s)) => {
                            if let Some(t) = m.get("__typename").and_then(Value::as_str) {
                                self.add_id(&kind_of(t), s);
                            }
                            self.add_id("any", s);
                        }
                        ("endCursor" | "startCursor" | "cursor", Value::String(s)) => {
                            if self.cursors.len() < Self::CAP && !self.cursors.contains(s) {
                                self.cursors.push(s.clone());
                            }
                        }
                        ("rules", doc @ (Value::Object(_) | Value::Array(_))) => {
                            if self.json.len() < 20 {
                                self.json.push(doc.clone());
                            }
                        }
                        (_, Value::String(s)) if is_uuid(s) => self.add_id(&kind_of(k), s),
                        (_, Value::Array(items))
                            if k.ends_with("Ids") && items.iter().all(Value::is_string) =>
                        {
                            for s in items.iter().filter_map(Value::as_str) {
                                self.add_id(&kind_of(k), s);
                            }
                        }
                        _ => self.walk(x, tn),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|x| self.walk(x, typename)),
            _ => {}
        }
    }

    /// How many distinct ids the pool holds.
    pub fn id_count(&self) -> usize {
        self.seen.len()
    }
}

/// Root-field classes the runner schedules separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Queries only.
    Queries,
    /// Mutations that create or change rows (and queries in between).
    Mutations,
    /// Everything, including deletes, revocations and session-ending mutations.
    Destructive,
}

/// Mutations that delete rows, end sessions or take access away: scheduled
/// last so that the earlier phases still measure something.
pub fn is_destructive(field: &str) -> bool {
    let f = field.to_lowercase();
    [
        "delete",
        "revoke",
        "remove",
        "unlink",
        "deactivate",
        "reset",
        "logout",
    ]
    .iter()
    .any(|p| f.starts_with(p))
        || f.contains("password")
}

/// One generated operation.
#[derive(Debug, Clone)]
pub struct Op {
    /// The root field.
    pub field: String,
    /// `query` or `mutation`.
    pub mutation: bool,
    /// The document.
    pub query: String,
    /// Its variables.
    pub variables: Value,
    /// The variable holding an `Upload` and the file's bytes, if the
    /// operation takes one.
    pub upload: Option<(String, Vec<u8>)>,
}

impl Op {
    /// A short reproduction: document plus variables (long strings elided).
    pub fn repro(&self) -> String {
        let mut vars = self.variables.clone();
        elide(&mut vars);
        format!("{} variables={}", self.query, vars)
    }
}

fn elide(v: &mut Value) {
    match v {
        Value::String(s) if s.chars().count() > 80 => {
            let head: String = s.chars().take(20).collect();
            *s = format!("{head}…({} chars)", s.chars().count());
        }
        Value::Array(a) => a.iter_mut().for_each(elide),
        Value::Object(m) => m.values_mut().for_each(elide),
        _ => {}
    }
}

/// Hostile but legal strings.
fn weird_string(rng: &mut Rng) -> String {
    match rng.below(16) {
        0 => String::new(),
        1 => format!("fuzz{}", rng.below(100_000)),
        2 => format!("测试{}", rng.below(1000)),
        3 => "长".repeat(1 + rng.below(5000)),
        4 => "a".repeat(if rng.chance(0.2) { 200_000 } else { 10_000 }),
        5 => "a\u{0}b".into(),
        6 => "\u{202E}gnp.exe\u{202C}".into(),
        7 => "\u{200B}\u{200D}\u{FEFF}".into(),
        8 => " \t\n ".into(),
        9 => "😀𝕏\u{10FFFF}".into(),
        10 => "'; DROP TABLE students; --".into(),
        11 => "%_\\%".into(),
        12 => "e\u{301}\u{301}\u{301}".into(),
        13 => "\u{1b}[31m\u{7}\r".into(),
        14 => "<script>alert(1)</script>".into(),
        _ => format!("名字{}", rng.below(100)),
    }
}

/// Cursors: real ones, overflowing ones and garbage.
fn cursor(rng: &mut Rng, pool: &Pool) -> String {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    if !pool.cursors.is_empty() && rng.chance(0.4) {
        return rng.pick(&pool.cursors).clone();
    }
    match rng.below(8) {
        0 => b64(&format!("o:{}", u64::MAX)),
        1 => b64(&format!("o:{}", i64::MAX)),
        2 => b64("o:-1"),
        3 => b64(&format!("o:{}", rng.below(10_000))),
        4 => b64("o:99999999999999999999999"),
        5 => weird_string(rng),
        6 => b64("\u{0}"),
        _ => "!!!not-base64!!!".into(),
    }
}

/// The generator: a seeded RNG over a schema.
pub struct Generator<'s> {
    schema: &'s Schema,
    /// The random source.
    pub rng: Rng,
    /// Selection depth below the root field.
    pub max_depth: usize,
}

struct Build<'p> {
    pool: &'p Pool,
    decls: Vec<String>,
    vars: Map<String, Value>,
    upload: Option<(String, Vec<u8>)>,
}

impl<'s> Generator<'s> {
    /// A generator for a schema and seed.
    pub fn new(schema: &'s Schema, seed: u64) -> Generator<'s> {
        Generator {
            schema,
            rng: Rng::new(seed),
            max_depth: 3,
        }
    }

    /// An operation calling `field` (a field of the query or mutation root).
    pub fn op(&mut self, field: &Field, mutation: bool, pool: &Pool) -> Op {
        let mut b = Build {
            pool,
            decls: vec![],
            vars: Map::new(),
            upload: None,
        };
        let args = self.args(&field.args, &field.name, &field.ty, &mut b);
        let sel = self.selection(field.ty.base(), 0);
        let alias = if self.rng.chance(0.1) { "a: " } else { "" };
        let decls = if b.decls.is_empty() {
            String::new()
        } else {
            format!("({})", b.decls.join(", "))
        };
        let kind = if mutation { "mutation" } else { "query" };
        Op {
            field: field.name.clone(),
            mutation,
            query: format!("{kind} Fuzz{decls} {{ {alias}{}{args}{sel} }}", field.name),
            variables: Value::Object(b.vars),
            upload: b.upload,
        }
    }

    fn args(&mut self, args: &[InputValue], field: &str, ret: &Ty, b: &mut Build<'_>) -> String {
        let mut out = vec![];
        for a in args {
            if (a.ty.nullable() || a.has_default) && self.rng.chance(0.3) {
                continue;
            }
            let var = format!("v{}", b.decls.len());
            b.decls.push(format!("${var}: {}", a.ty.sdl()));
            let hint = if a.name == "id" {
                let base = ret.base();
                if self.schema.objects.contains_key(base) && base != "Boolean" {
                    kind_of(base)
                } else {
                    // deleteTerm → term, removeTeaching → teaching.
                    let rest = field.trim_start_matches(|c: char| c.is_ascii_lowercase());
                    kind_of(rest)
                }
            } else {
                kind_of(&a.name)
            };
            let value = self.value(&a.ty, &a.name, &hint, b);
            if a.ty.base() == "Upload" {
                b.upload = Some((var.clone(), self.file()));
            }
            b.vars.insert(var.clone(), value);
            out.push(format!("{}: ${var}", a.name));
        }
        if out.is_empty() {
            String::new()
        } else {
            format!("({})", out.join(", "))
        }
    }

    fn file(&mut self) -> Vec<u8> {
        match self.rng.below(5) {
            0 => vec![],
            1 => (0..self.rng.below(4096))
                .map(|_| self.rng.next_u64() as u8)
                .collect(),
            2 => b"PK\x03\x04\x14\x00\x00\x00\x08\x00garbage".to_vec(),
            3 => "学号,姓名,性别,班级\n1,\u{202E}张三,男,七年级1班\n"
                .as_bytes()
                .to_vec(),
            _ => format!(
                "staffNo,name\n{},{}\n",
                weird_string(&mut self.rng),
                "a\u{0}b"
            )
            .into_bytes(),
        }
    }

    fn value(&mut self, ty: &Ty, name: &str, hint: &str, b: &mut Build<'_>) -> Value {
        if ty.nullable() && self.rng.chance(0.08) {
            return Value::Null;
        }
        match ty {
            Ty::List(inner, _) => {
                let n = match self.rng.below(10) {
                    0..=2 => 0,
                    3..=8 => 1 + self.rng.below(3),
                    _ => 1 + self.rng.below(12),
                };
                Value::Array((0..n).map(|_| self.value(inner, name, hint, b)).collect())
            }
            Ty::Named(n, _) => self.named(n, name, hint, b),
        }
    }

    fn id(&mut self, hint: &str, b: &Build<'_>) -> Value {
        let pool = b.pool;
        let roll = self.rng.below(100);
        if roll < 70 {
            if let Some(list) = pool.ids.get(hint).filter(|l| !l.is_empty())
                && roll < 55
            {
                return json!(self.rng.pick(list));
            }
            if !pool.all_ids.is_empty() {
                return json!(self.rng.pick(&pool.all_ids));
            }
        }
        match self.rng.below(10) {
            0 => json!(""),
            1 => json!("not-a-uuid"),
            2 => json!(weird_string(&mut self.rng)),
            3 => json!("00000000-0000-0000-0000-000000000000"),
            _ => json!(self.rng.uuid()),
        }
    }

    fn int(&mut self, name: &str) -> i64 {
        let edge = [0, -1, 1, i64::from(i32::MAX), i64::from(i32::MIN)];
        if self.rng.chance(0.35) {
            return *self.rng.pick(&edge);
        }
        match name {
            "first" => *self.rng.pick(&[1, 3, 10, 50, 200, 201]),
            "grade" => 1 + self.rng.below(12) as i64,
            "cap" => *self.rng.pick(&[1, 5, 15, 30]),
            _ => self.rng.below(200) as i64,
        }
    }

    fn string(&mut self, name: &str, b: &Build<'_>) -> String {
        let n = name.to_lowercase();
        if n == "after" {
            return cursor(&mut self.rng, b.pool);
        }
        if self.rng.chance(0.5) {
            return weird_string(&mut self.rng);
        }
        match n.as_str() {
            // Never a demo account's name or password: no lock-outs, no logins.
            "username" => format!("fuzz.{}", self.rng.below(1_000_000)),
            "password" | "refreshtoken" | "currentpassword" | "newpassword" => {
                format!("fuzz-{}", self.rng.next_u64())
            }
            "month" => self
                .rng
                .pick(&[
                    "2025-09", "2025-10", "2026-01", "2025-13", "0000-00", "2025-9", "9999-12",
                ])
                .to_string(),
            "phone" => self
                .rng
                .pick(&["13800138000", "+86 138 0013 8000", "1"])
                .to_string(),
            "academicyear" => self
                .rng
                .pick(&["2025-2026", "2025", "9999-10000"])
                .to_string(),
            "gender" => self.rng.pick(&["男", "女", "M", "F", "?"]).to_string(),
            "subject" => self.rng.pick(&["语文", "数学", "英语", "物理"]).to_string(),
            "presetid" => self.rng.pick(&["district-default", "none"]).to_string(),
            "relation" => self.rng.pick(&["父亲", "母亲", "祖父"]).to_string(),
            _ => format!("fuzz {} {}", name, self.rng.below(10_000)),
        }
    }

    fn json_doc(&mut self, b: &Build<'_>) -> Value {
        if !b.pool.json.is_empty() && self.rng.chance(0.5) {
            let mut doc = self.rng.pick(&b.pool.json).clone();
            if self.rng.chance(0.6) {
                self.mutate_json(&mut doc, 0);
            }
            return doc;
        }
        match self.rng.below(7) {
            0 => json!({}),
            1 => json!([]),
            2 => json!(0),
            3 => json!(weird_string(&mut self.rng)),
            4 => {
                let mut v = json!(1);
                for _ in 0..200 {
                    v = json!({ "a": v });
                }
                v
            }
            5 => json!({ "ratio": i64::MAX, "requirements": [{ "kind": "TALKS", "count": -1 }] }),
            _ => json!({ "x": 1e308, "y": [null, true, "\u{0}"] }),
        }
    }

    fn mutate_json(&mut self, v: &mut Value, depth: usize) {
        match v {
            Value::Object(m) if !m.is_empty() && depth < 6 => {
                let keys: Vec<String> = m.keys().cloned().collect();
                let k = self.rng.pick(&keys).clone();
                if let Some(x) = m.get_mut(&k) {
                    self.mutate_json(x, depth + 1);
                }
            }
            Value::Array(a) if !a.is_empty() && depth < 6 => {
                let i = self.rng.below(a.len());
                self.mutate_json(&mut a[i], depth + 1);
            }
            _ => {
                *v = match self.rng.below(6) {
                    0 => json!(-1),
                    1 => json!(i64::MAX),
                    2 => json!(null),
                    3 => json!(weird_string(&mut self.rng)),
                    4 => json!([]),
                    _ => json!(1.5e300),
                };
            }
        }
    }

    fn named(&mut self, ty: &str, name: &str, hint: &str, b: &mut Build<'_>) -> Value {
        match ty {
            "ID" => self.id(hint, b),
            "Int" => json!(self.int(name)),
            "Float" => json!(
                *self
                    .rng
                    .pick(&[0.0, -1.0, 1.5, 99.5, 100.0, 1e308, -1e308, 5e-324])
            ),
            "Boolean" => json!(self.rng.chance(0.5)),
            "String" => json!(self.string(name, b)),
            "DateTime" => json!(*self.rng.pick(&[
                "2025-09-01T08:00:00Z",
                "2025-11-20T16:30:00+08:00",
                "1970-01-01T00:00:00Z",
                "0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59Z",
                "2026-02-28T23:59:59.999999Z",
            ])),
            "NaiveDate" => json!(*self.rng.pick(&[
                "2025-09-01",
                "2025-10-15",
                "2026-01-20",
                "2024-02-29",
                "1900-01-01",
                "0001-01-01",
                "9999-12-31",
            ])),
            "JSON" => self.json_doc(b),
            // The bytes go in the multipart request; the variable must be null.
            "Upload" => Value::Null,
            other => {
                if let Some(values) = self.schema.enums.get(other) {
                    return json!(self.rng.pick(values));
                }
                if let Some(fields) = self.schema.inputs.get(other).cloned() {
                    let mut m = Map::new();
                    for f in &fields {
                        if (f.ty.nullable() || f.has_default) && self.rng.chance(0.3) {
                            continue;
                        }
                        let hint = kind_of(&f.name);
                        let v = self.value(&f.ty, &f.name, &hint, b);
                        m.insert(f.name.clone(), v);
                    }
                    return Value::Object(m);
                }
                // An unknown custom scalar: a string is the likeliest legal form.
                json!(weird_string(&mut self.rng))
            }
        }
    }

    /// A selection set for an output type (empty for scalars and enums).
    fn selection(&mut self, ty: &str, depth: usize) -> String {
        let Some(fields) = self.schema.objects.get(ty).cloned() else {
            return String::new();
        };
        let mut parts = vec!["__typename".to_string()];
        let connection = ty.ends_with("Connection");
        for f in &fields {
            let object = self.schema.objects.contains_key(f.ty.base());
            let always = f.name == "id" || (connection && f.name == "pageInfo");
            if !always && !self.rng.chance(if object { 0.5 } else { 0.6 }) {
                continue;
            }
            if object && depth + 1 > self.max_depth {
                continue;
            }
            // Arguments below the root are fixed (not variables): `first` small.
            let args: Vec<String> = f
                .args
                .iter()
                .filter(|a| a.name == "first" || !(a.ty.nullable() || a.has_default))
                .map(|a| format!("{}: {}", a.name, 1 + self.rng.below(5)))
                .collect();
            let args = if args.is_empty() {
                String::new()
            } else {
                format!("({})", args.join(", "))
            };
            let sub = self.selection(f.ty.base(), depth + 1);
            parts.push(format!("{}{args}{sub}", f.name));
        }
        format!(" {{ {} }}", parts.join(" "))
    }
}

/// Every string in a JSON value (keys excluded).
pub fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// The UUIDs inside a text (e.g. in an error message).
pub fn uuids_in(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(35))
        .filter_map(|i| text.get(i..i + 36))
        .filter(|w| is_uuid(w))
        .map(|w| w.to_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Result;

    #[test]
    fn generated_operations_parse_and_are_deterministic() -> Result<()> {
        let sdl = std::fs::read_to_string(crate::workspace_root().join("backend/schema.graphql"))?;
        let schema = Schema::parse(&sdl)?;
        assert!(!schema.queries().is_empty() && !schema.mutations().is_empty());
        let pool = Pool::default();
        let run = |seed| {
            let mut g = Generator::new(&schema, seed);
            let mut out = vec![];
            for f in schema.queries().iter().chain(schema.mutations()) {
                let m = schema.mutations().iter().any(|x| x.name == f.name);
                out.push(g.op(f, m, &pool));
            }
            out
        };
        let a = run(7);
        let b = run(7);
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.query, y.query);
            assert_eq!(x.variables, y.variables);
            async_graphql_parser::parse_query(&x.query)
                .map_err(|e| anyhow::anyhow!("{}: {e}", x.query))?;
        }
        Ok(())
    }

    #[test]
    fn kinds_and_uuids() {
        assert_eq!(kind_of("studentId"), "student");
        assert_eq!(kind_of("StudentRef"), "student");
        assert_eq!(kind_of("leadMentorId"), "staff");
        assert_eq!(kind_of("MatchingRound"), "round");
        assert_eq!(kind_of("memberIds"), "staff");
        let u = Rng::new(1).uuid();
        assert!(is_uuid(&u), "{u}");
        assert_eq!(uuids_in(&format!("x {u} y")), vec![u]);
        assert!(is_destructive("deleteStudent") && is_destructive("changePassword"));
        assert!(!is_destructive("createStudent"));
    }
}
