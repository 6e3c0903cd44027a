//! Benchmark: does the people search find the right man when his name is
//! typed with one mistake, and with no date of birth?
//!
//! Method: a fictional town of men (src/demo/town.rs, fixed seed) is
//! written into a fresh database and given its name keys as the app does.
//! For each of seven kinds of mistake, men are picked at random and one of
//! their names (surname or first forename) is typed wrong once: a dropped,
//! doubled, swapped or wrong letter, a wrong first letter (K/C, W/V, P/B,
//! ...), a missing diacritic, or a spelling variant from this file's own list
//! (not the app's). The search is the app's own (`find_matches`, behind the
//! API, the people page, the arrest form and the import check). Beside it, a
//! brute-force Jaro-Winkler over every man's full name. Then the search's
//! latency through the API with 16 clients at once.
//!
//! Some searches cannot be answered by a name alone: another man has exactly
//! the same name, or the mistake typed another recorded man's exact name.
//! They are counted and shown apart, and the strict figure counts them as
//! misses. A tie counts against the man searched for (his rank is one more
//! than the number of men scored at least as high), for both matchers. Run: `cargo bench --bench search_recall` (SQLite file) or with
//! `BENCH_DATABASE_URL=postgres://…` (a fresh database is made).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use kerbside::db::entities::people;
use kerbside::db::people_repo;
use kerbside::domain::names::fold;
use kerbside::services::people::{PersonSearch, find_matches};
use kerbside::state::AppState;
use rocket::http::{Header, Status};
use sea_orm::{ConnectionTrait, EntityTrait, TransactionTrait};

#[path = "common.rs"]
mod common;
use kerbside::demo::town as town_names;

use town_names::{Lcg, Name};

/// The town's fixed seed: the same men and the same mistakes every run.
const SEED: u64 = 20_261_205;
/// Searches per kind of mistake at each scale.
const PER_KIND: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Mistake {
    Dropped,
    Doubled,
    Swapped,
    WrongLetter,
    WrongFirstLetter,
    MissingDiacritic,
    SpellingVariant,
}

const KINDS: [Mistake; 7] = [
    Mistake::Dropped,
    Mistake::Doubled,
    Mistake::Swapped,
    Mistake::WrongLetter,
    Mistake::WrongFirstLetter,
    Mistake::MissingDiacritic,
    Mistake::SpellingVariant,
];

impl Mistake {
    fn label(self) -> &'static str {
        match self {
            Mistake::Dropped => "a dropped letter",
            Mistake::Doubled => "a doubled letter",
            Mistake::Swapped => "two letters swapped",
            Mistake::WrongLetter => "a wrong letter",
            Mistake::WrongFirstLetter => "a wrong first letter",
            Mistake::MissingDiacritic => "a missing diacritic",
            Mistake::SpellingVariant => "a spelling variant",
        }
    }
}

/// Spellings an officer might hear or write instead (this benchmark's own
/// list, so that the app's variant table is tested rather than copied).
const HEARD_AS: &[(&str, &str)] = &[
    ("Mohammed", "Muhammad"),
    ("Muhammad", "Mohamed"),
    ("Davies", "Davis"),
    ("Hussain", "Hussein"),
    ("Stewart", "Stuart"),
    ("Stuart", "Stewart"),
    ("Shaun", "Sean"),
    ("Philip", "Phillip"),
    ("Phillips", "Philips"),
    ("Geoffrey", "Jeffrey"),
    ("Matthew", "Mathew"),
    ("Alan", "Allan"),
    ("Neil", "Neal"),
    ("Brian", "Bryan"),
    ("Thompson", "Thomson"),
    ("Clarke", "Clark"),
    ("Ahmed", "Ahmad"),
    ("Iqbal", "Ikbal"),
    ("Chowdhury", "Choudhury"),
    ("Mahmood", "Mahmud"),
    ("Rashid", "Rasheed"),
    ("Yusuf", "Yousef"),
    ("Nowak", "Novak"),
    ("Kowalczyk", "Kovalczyk"),
    ("Wójcik", "Wojcik"),
    ("Piotr", "Peter"),
    ("Jakub", "Jacob"),
    ("Popescu", "Popesku"),
    ("Ionescu", "Ionesco"),
    ("Gheorghe", "George"),
    ("Mihai", "Mihail"),
    ("Kazlauskas", "Kazlauskis"),
    ("Tomas", "Thomas"),
    ("Jonas", "Jonah"),
    ("Rodrigues", "Rodriguez"),
    ("Gonçalves", "Goncalvez"),
    ("Pereira", "Perreira"),
    ("Luís", "Luiz"),
    ("Carlos", "Karlos"),
    ("Singh", "Sing"),
    ("Begum", "Begam"),
    ("Rahman", "Rehman"),
    ("Craig", "Greg"),
    ("Steven", "Stephen"),
    ("Stephen", "Steven"),
    ("Jamie", "Jimmy"),
];

/// Letters that are heard or misread for one another at the start of a name.
fn confused_with(c: char) -> Option<char> {
    Some(match c {
        'K' => 'C',
        'C' => 'K',
        'W' => 'V',
        'V' => 'W',
        'P' => 'B',
        'B' => 'P',
        'S' => 'Z',
        'Z' => 'S',
        'J' => 'G',
        'G' => 'J',
        'I' => 'Y',
        'Y' => 'I',
        'D' => 'T',
        'T' => 'D',
        'M' => 'N',
        'N' => 'M',
        'F' => 'V',
        _ => return None,
    })
}

/// `word` with one mistake of `kind`, or None when the kind cannot apply.
fn mistype(kind: Mistake, word: &str, r: &mut Lcg) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    let mut out = chars.clone();
    match kind {
        Mistake::Dropped if n >= 4 => {
            out.remove(r.below(n));
        }
        Mistake::Doubled if n >= 2 => {
            let i = r.below(n);
            out.insert(i, chars[i]);
        }
        Mistake::Swapped if n >= 3 => {
            let swappable: Vec<usize> = (0..n - 1).filter(|&i| chars[i] != chars[i + 1]).collect();
            let i = *swappable.get(r.below(swappable.len()))?;
            out.swap(i, i + 1);
            if i == 0 {
                out[0] = out[0].to_uppercase().next()?;
                out[1] = out[1].to_lowercase().next()?;
            }
        }
        Mistake::WrongLetter if n >= 3 => {
            let i = 1 + r.below(n - 1);
            let letters: Vec<char> = ('a'..='z').filter(|c| *c != chars[i]).collect();
            out[i] = letters[r.below(letters.len())];
        }
        Mistake::WrongFirstLetter if n >= 3 => {
            out[0] = confused_with(chars[0]).unwrap_or_else(|| {
                let letters: Vec<char> = ('A'..='Z').filter(|c| *c != chars[0]).collect();
                letters[r.below(letters.len())]
            });
        }
        Mistake::MissingDiacritic if !word.is_ascii() => {
            out = chars
                .iter()
                .map(|c| {
                    if c.is_ascii() {
                        *c
                    } else {
                        let base = fold(&c.to_string()).chars().next().unwrap_or(*c);
                        if c.is_uppercase() {
                            base.to_ascii_uppercase()
                        } else {
                            base
                        }
                    }
                })
                .collect();
        }
        Mistake::SpellingVariant => {
            return HEARD_AS
                .iter()
                .find(|(from, _)| *from == word)
                .map(|(_, to)| to.to_string());
        }
        _ => return None,
    }
    let typed: String = out.into_iter().collect();
    (typed != word).then_some(typed)
}

/// One search: the man meant, and the name as typed.
struct Query {
    kind: Mistake,
    target: usize,
    typed: Name,
}

fn make_queries(town: &[Name], r: &mut Lcg) -> Vec<Query> {
    let mut out = Vec::new();
    for kind in KINDS {
        let mut made = 0;
        let mut tries = 0;
        while made < PER_KIND && tries < 200_000 {
            tries += 1;
            let target = r.below(town.len());
            let man = &town[target];
            let words: Vec<&str> = man.forenames.split(' ').collect();
            let surname_first = r.chance(50);
            let mut typed = None;
            for in_surname in [surname_first, !surname_first] {
                if in_surname {
                    // a one-word surname, or one part of a two-part surname
                    let parts: Vec<&str> = man.surname.split(' ').collect();
                    let k = r.below(parts.len());
                    if let Some(w) = mistype(kind, parts[k], r) {
                        let mut parts: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
                        parts[k] = w;
                        typed = Some(Name {
                            surname: parts.join(" "),
                            forenames: man.forenames.clone(),
                        });
                        break;
                    }
                } else if let Some(w) = mistype(kind, words[0], r) {
                    let mut words: Vec<String> = words.iter().map(|p| p.to_string()).collect();
                    words[0] = w;
                    typed = Some(Name {
                        surname: man.surname.clone(),
                        forenames: words.join(" "),
                    });
                    break;
                }
            }
            if let Some(typed) = typed {
                out.push(Query {
                    kind,
                    target,
                    typed,
                });
                made += 1;
            }
        }
    }
    out
}

fn folded(n: &Name) -> (String, String) {
    (fold(&n.surname), fold(&n.forenames))
}

fn date_of_birth(r: &mut Lcg) -> NaiveDate {
    NaiveDate::from_ymd_opt(
        1950 + r.below(56) as i32,
        1 + r.below(12) as u32,
        1 + r.below(28) as u32,
    )
    .unwrap_or_default()
}

/// Add men to the database up to `town.len()` (ids are positions + 1).
async fn load(app: &AppState, town: &[Name], dobs: &[NaiveDate], from: usize) {
    let now = Utc::now();
    let txn = app.db.begin().await.expect("transaction");
    let rows: Vec<people::ActiveModel> = (from..town.len())
        .map(|i| {
            common::person_row(
                i as i32 + 1,
                format!("ZR-{i:07}"),
                &town[i].surname,
                &town[i].forenames,
                dobs[i],
                now,
            )
        })
        .collect();
    for chunk in rows.chunks(1000) {
        people::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await
            .expect("people");
    }
    let men: Vec<(i32, &str, &str)> = (from..town.len())
        .map(|i| {
            (
                i as i32 + 1,
                town[i].surname.as_str(),
                town[i].forenames.as_str(),
            )
        })
        .collect();
    people_repo::store_name_keys(&txn, &men)
        .await
        .expect("name keys");
    txn.commit().await.expect("commit");
    if app.db.get_database_backend() == sea_orm::DbBackend::Postgres {
        // the sequence behind ids written by hand
        let _ = app
            .db
            .execute_unprepared(
                "SELECT setval(pg_get_serial_sequence('people', 'id'), (SELECT MAX(id) FROM people))",
            )
            .await;
    }
    // as autovacuum would after a bulk load: statistics, and on PostgreSQL the
    // visibility map that lets the name-key reads use index-only scans
    let tidy = match app.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "VACUUM ANALYZE",
        _ => "ANALYZE",
    };
    let _ = app.db.execute_unprepared(tidy).await;
}

#[derive(Default)]
struct Tally {
    searches: usize,
    first: usize,
    top5: usize,
    answerable: usize,
    answerable_first: usize,
    answerable_top5: usize,
}

impl Tally {
    fn add(&mut self, rank: Option<usize>, answerable: bool) {
        self.searches += 1;
        let first = rank == Some(1);
        let top5 = rank.is_some_and(|r| r <= 5);
        self.first += usize::from(first);
        self.top5 += usize::from(top5);
        if answerable {
            self.answerable += 1;
            self.answerable_first += usize::from(first);
            self.answerable_top5 += usize::from(top5);
        }
    }
    fn pct(n: usize, d: usize) -> String {
        if d == 0 {
            "-".into()
        } else {
            format!("{:.1} %", 100.0 * n as f64 / d as f64)
        }
    }
    fn row(&self, label: &str) -> String {
        format!(
            "| {label} | {} | {} | {} | {} | {} |",
            self.searches,
            Self::pct(self.first, self.searches),
            Self::pct(self.top5, self.searches),
            Self::pct(self.answerable_first, self.answerable),
            Self::pct(self.answerable_top5, self.answerable),
        )
    }
}

/// The target's place in a result list, a tie counting against him: 1 +
/// the men scored at least as high.
fn rank_of(found: &[kerbside::services::people::PersonMatch], target: usize) -> Option<usize> {
    let id = target as i32 + 1;
    let score = found.iter().find(|m| m.person.id == id)?.score;
    Some(
        1 + found
            .iter()
            .filter(|m| m.person.id != id && m.score >= score)
            .count(),
    )
}

fn query_text(n: &Name) -> String {
    format!("{}, {}", n.surname, n.forenames)
}

async fn measure(app: &AppState, town: &[Name], dobs: &[NaiveDate], r: &mut Lcg) -> Vec<Query> {
    let mut by_name: HashMap<(String, String), usize> = HashMap::new();
    for n in town {
        *by_name.entry(folded(n)).or_default() += 1;
    }
    let full: Vec<String> = town
        .iter()
        .map(|n| fold(&format!("{} {}", n.forenames, n.surname)))
        .collect();
    let queries = make_queries(town, r);
    let mut ours: HashMap<Mistake, Tally> = HashMap::new();
    let mut all = Tally::default();
    let mut brute = Tally::default();
    let mut with_dob = Tally::default();
    let mut misses: Vec<String> = Vec::new();
    let mut alone: Vec<Duration> = Vec::new();
    for q in &queries {
        let same_name_elsewhere = by_name.get(&folded(&town[q.target])).copied().unwrap_or(0) > 1;
        let own = usize::from(folded(&q.typed) == folded(&town[q.target]));
        let typed_someone_else = by_name.get(&folded(&q.typed)).copied().unwrap_or(0) > own;
        let answerable = !same_name_elsewhere && !typed_someone_else;
        let search = PersonSearch {
            text: query_text(&q.typed),
            ..PersonSearch::default()
        };
        let t0 = Instant::now();
        let found = find_matches(&app.db, &search).await.expect("search");
        alone.push(t0.elapsed());
        let rank = rank_of(&found, q.target);
        ours.entry(q.kind).or_default().add(rank, answerable);
        all.add(rank, answerable);
        if answerable && rank != Some(1) && misses.len() < 12 {
            let top = found
                .first()
                .map(|m| {
                    format!(
                        "{}, {} {:?}",
                        m.person.surname, m.person.forenames, m.reasons
                    )
                })
                .unwrap_or_default();
            misses.push(format!(
                "'{}' for {}, {}: rank {rank:?}, first {top}",
                query_text(&q.typed),
                town[q.target].surname,
                town[q.target].forenames
            ));
        }
        let dated = PersonSearch {
            date_of_birth: Some(dobs[q.target]),
            ..search
        };
        let found = find_matches(&app.db, &dated).await.expect("search");
        let rank = rank_of(&found, q.target);
        with_dob.add(rank, true);
        // the simplest matcher: Jaro-Winkler of the whole folded name
        let typed = fold(&format!("{} {}", q.typed.forenames, q.typed.surname));
        let score = strsim::jaro_winkler(&typed, &full[q.target]);
        let ahead = full
            .iter()
            .enumerate()
            .filter(|(i, n)| *i != q.target && strsim::jaro_winkler(&typed, n) >= score)
            .count();
        brute.add(Some(ahead + 1), answerable);
    }
    println!(
        "| search | searches | right man first | in top 5 | first (answerable) | top 5 (answerable) |"
    );
    println!("|---|---|---|---|---|---|");
    println!("{}", with_dob.row("Kerbside, with date of birth"));
    println!("{}", all.row("**Kerbside, name only**"));
    println!("{}", brute.row("brute-force Jaro-Winkler, name only"));
    for kind in KINDS {
        if let Some(t) = ours.get(&kind) {
            println!(
                "{}",
                t.row(&format!("Kerbside, name only: {}", kind.label()))
            );
        }
    }
    println!(
        "\n{} of {} searches are answerable by name alone (no other man has the same name, and the mistake did not type another recorded man's exact name).",
        all.answerable, all.searches
    );
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "\nOne search at a time (the service alone, no HTTP or audit): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms.",
        ms(common::percentile(alone.clone(), 50)),
        ms(common::percentile(alone.clone(), 95)),
        ms(common::percentile(alone, 100)),
    );
    if !misses.is_empty() {
        println!("\nAnswerable searches not ranked first (up to 12):\n");
        for m in misses {
            println!("- {m}");
        }
    }
    queries
}

/// Search latency through the API: 16 clients at once, each with its own
/// share of the mistaken names, audit rows written as in service.
async fn latency(client: Arc<rocket::local::asynchronous::Client>, token: &str, queries: &[Query]) {
    let texts: Vec<String> = queries.iter().map(|q| query_text(&q.typed)).collect();
    // warm up
    for t in texts.iter().take(20) {
        let _ = client
            .get(format!("/api/v1/people?q={}", urlencode(t)))
            .header(Header::new("Authorization", format!("Bearer {token}")))
            .dispatch()
            .await;
    }
    let texts = Arc::new(texts);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..16 {
        let client = client.clone();
        let texts = texts.clone();
        let auth = format!("Bearer {token}");
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            for t in texts.iter().skip(c).step_by(16) {
                let t0 = Instant::now();
                let r = client
                    .get(format!("/api/v1/people?q={}&per_page=20", urlencode(t)))
                    .header(Header::new("Authorization", auth.clone()))
                    .dispatch()
                    .await;
                assert_eq!(r.status(), Status::Ok);
                let _ = r.into_string().await;
                times.push(t0.elapsed());
            }
            times
        }));
    }
    let mut times: Vec<Duration> = Vec::new();
    for t in tasks {
        times.extend(t.await.expect("client"));
    }
    let wall = started.elapsed();
    let n = times.len();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "\nSearch through `GET /api/v1/people?q=` (name only, one mistake, audited), 16 clients at once: {n} searches in {:.1} s ({:.0}/s); p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms.",
        wall.as_secs_f64(),
        n as f64 / wall.as_secs_f64(),
        ms(common::percentile(times.clone(), 50)),
        ms(common::percentile(times.clone(), 95)),
        ms(common::percentile(times.clone(), 99)),
        ms(common::percentile(times, 100)),
    );
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[rocket::main]
async fn main() {
    let (client, backend) = common::start("recall").await;
    let client = Arc::new(client);
    let app = client.rocket().state::<AppState>().expect("state");
    let (token, _) = common::token(app, "recall", "police").await;
    let mut r = Lcg(SEED);
    let mut town: Vec<Name> = Vec::new();
    let mut dobs: Vec<NaiveDate> = Vec::new();
    println!("## Search recall: {backend}\n");
    let mut loaded = 0;
    for scale in [5_000usize, 100_000] {
        while town.len() < scale {
            town.push(town_names::name(&mut r));
            dobs.push(date_of_birth(&mut r));
        }
        let started = Instant::now();
        load(app, &town, &dobs, loaded).await;
        loaded = town.len();
        let distinct: std::collections::HashSet<String> =
            town.iter().map(|n| fold(&n.surname)).collect();
        println!(
            "### {scale} men ({} different surnames; loaded with their name keys in {:.1} s)\n",
            distinct.len(),
            started.elapsed().as_secs_f64()
        );
        let mut qr = Lcg(SEED + scale as u64);
        let queries = measure(app, &town, &dobs, &mut qr).await;
        latency(client.clone(), &token, &queries).await;
        println!();
    }
}
