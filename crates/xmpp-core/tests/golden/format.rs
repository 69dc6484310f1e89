//! The transcript text format (described in `tests/golden/README.md`): parsing only.

use std::collections::BTreeMap;
use std::time::Duration;

/// One side of a client-to-server stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Client,
    Server,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
}

/// Per-line relaxations for the side that produces the line (`[vary=id omit=from]`).
#[derive(Debug, Clone, Default)]
pub struct Mods {
    /// Attributes of the first element whose value this implementation chooses itself;
    /// the transcript's literal is replaced by the produced value in later lines.
    pub vary: Vec<String>,
    /// Attributes of the first element this implementation leaves out on purpose.
    pub omit: Vec<String>,
    /// Fed to the peer with a line feed after it (writers that end lines).
    pub newline: bool,
}

#[derive(Debug, Clone)]
pub enum Command {
    /// `Connection::close`.
    Close,
    /// The side's transport ends (the other side gets `handle_eof`).
    Eof,
    /// `Connection::accept_bind`.
    AcceptBind(String),
    /// `Connection::refuse_bind`.
    RefuseBind(String),
}

#[derive(Debug, Clone)]
pub enum StepKind {
    /// Bytes the side writes; `app` = written through `Connection::send`.
    Wire {
        side: Side,
        text: String,
        mods: Mods,
        app: bool,
    },
    /// An event the side's connection reports.
    Event { side: Side, text: String },
    /// An application call (or transport end) on the side.
    Command { side: Side, command: Command },
    /// The shared clock moves forward; the replayed connection gets `handle_timeout`.
    Clock(Duration),
}

#[derive(Debug, Clone)]
pub struct Step {
    /// `file:line` of the directive.
    pub at: String,
    pub kind: StepKind,
}

#[derive(Debug, Clone, Default)]
pub struct Transcript {
    pub name: String,
    /// The roles this transcript may be replayed as.
    pub roles: Vec<Side>,
    pub client: BTreeMap<String, Vec<String>>,
    pub server: BTreeMap<String, Vec<String>>,
    pub steps: Vec<Step>,
    /// Roles known to fail (`xfail <role> <reason>`): a Connection defect the
    /// transcript documents. The harness fails when such a replay starts passing.
    pub xfail: Vec<(Side, String)>,
}

fn side_of(c: char) -> Option<Side> {
    match c {
        'C' => Some(Side::Client),
        'S' => Some(Side::Server),
        _ => None,
    }
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.strip_prefix('+').unwrap_or(s);
    let (num, unit) = s
        .find(|c: char| !c.is_ascii_digit())
        .map(|i| s.split_at(i))
        .ok_or_else(|| format!("duration without unit: {s}"))?;
    let n: u64 = num.parse().map_err(|_| format!("bad duration: {s}"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        _ => Err(format!("bad duration unit: {s}")),
    }
}

pub fn duration(s: &str) -> Result<Duration, String> {
    parse_duration(s)
}

fn parse_mods(s: &str) -> Result<Mods, String> {
    let mut m = Mods::default();
    for tok in s.split_whitespace() {
        match tok.split_once('=') {
            Some(("vary", a)) => m.vary.push(a.to_owned()),
            Some(("omit", a)) => m.omit.push(a.to_owned()),
            None if tok == "newline" => m.newline = true,
            _ => return Err(format!("unknown line modifier `{tok}`")),
        }
    }
    Ok(m)
}

fn parse_command(s: &str) -> Result<Command, String> {
    let mut it = s.split_whitespace();
    let c = match (it.next(), it.next()) {
        (Some("close"), None) => Command::Close,
        (Some("eof"), None) => Command::Eof,
        (Some("accept-bind"), Some(r)) => Command::AcceptBind(r.to_owned()),
        (Some("refuse-bind"), Some(c)) => Command::RefuseBind(c.to_owned()),
        _ => return Err(format!("unknown command `{s}`")),
    };
    if it.next().is_some() {
        return Err(format!("trailing words in command `{s}`"));
    }
    Ok(c)
}

/// Splits `C[...]+:`-style tags into (side, mods, suffix) where suffix is "", "+",
/// "E" or "!".
fn parse_tag(tag: &str) -> Result<(Side, Mods, String), String> {
    let mut chars = tag.chars();
    let side = chars
        .next()
        .and_then(side_of)
        .ok_or_else(|| format!("unknown directive `{tag}`"))?;
    let mut rest = chars.as_str();
    let mut mods = Mods::default();
    if let Some(r) = rest.strip_prefix('[') {
        let end = r.find(']').ok_or("unclosed `[` in tag")?;
        mods = parse_mods(&r[..end])?;
        rest = &r[end + 1..];
    }
    match rest {
        "" | "+" | "E" | "!" => Ok((side, mods, rest.to_owned())),
        _ => Err(format!("unknown directive `{tag}`")),
    }
}

fn parse_config(words: &str, into: &mut BTreeMap<String, Vec<String>>) -> Result<(), String> {
    for tok in words.split_whitespace() {
        let (k, v) = tok
            .split_once('=')
            .ok_or_else(|| format!("config token without `=`: {tok}"))?;
        into.entry(k.to_owned()).or_default().push(v.to_owned());
    }
    Ok(())
}

/// Parses a transcript. Continuation lines (starting with whitespace) extend the
/// previous wire or event directive, joined with a line feed. `include <file>` reads
/// another file's directives in place (through `load`).
pub fn parse(
    name: &str,
    text: &str,
    load: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Transcript, String> {
    let mut t = Transcript {
        name: name.to_owned(),
        ..Transcript::default()
    };
    parse_into(&mut t, name, text, load, 0)?;
    if t.roles.is_empty() {
        return Err(format!("{name}: no `roles` line"));
    }
    Ok(t)
}

fn parse_into(
    t: &mut Transcript,
    name: &str,
    text: &str,
    load: &dyn Fn(&str) -> Result<String, String>,
    depth: usize,
) -> Result<(), String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let lineno = i + 1;
        i += 1;
        let err = |m: String| format!("{name}:{lineno}: {m}");
        let trimmed = line.trim_end();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if trimmed.starts_with(char::is_whitespace) {
            return Err(err("continuation line without a directive".into()));
        }
        let (head, rest) = match trimmed.split_once(char::is_whitespace) {
            Some((h, r)) => (h, r.trim_start()),
            None => (trimmed, ""),
        };
        match head {
            "include" if depth < 4 => {
                let inc = rest.trim();
                let body = load(inc).map_err(err)?;
                parse_into(t, inc, &body, load, depth + 1)?;
                continue;
            }
            "roles" => {
                for r in rest.split_whitespace() {
                    t.roles.push(match r {
                        "client" => Side::Client,
                        "server" => Side::Server,
                        _ => return Err(err(format!("unknown role {r}"))),
                    });
                }
                continue;
            }
            "xfail" => {
                let (r, why) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                let side = match r {
                    "client" => Side::Client,
                    "server" => Side::Server,
                    _ => return Err(err(format!("unknown role {r}"))),
                };
                t.xfail.push((side, why.trim().to_owned()));
                continue;
            }
            "client" => {
                parse_config(rest, &mut t.client).map_err(err)?;
                continue;
            }
            "server" => {
                parse_config(rest, &mut t.server).map_err(err)?;
                continue;
            }
            "T:" => {
                let d = parse_duration(rest.trim()).map_err(err)?;
                t.steps.push(Step {
                    at: format!("{name}:{lineno}"),
                    kind: StepKind::Clock(d),
                });
                continue;
            }
            _ => {}
        }
        let Some(colon) = trimmed.find(':') else {
            return Err(err(format!("unknown directive `{trimmed}`")));
        };
        let (side, mods, suffix) = parse_tag(&trimmed[..colon]).map_err(err)?;
        let mut body = trimmed[colon + 1..].trim_start().to_owned();
        if suffix != "!" {
            while i < lines.len() {
                let next = lines[i];
                if next.trim().is_empty() || !next.starts_with(char::is_whitespace) {
                    break;
                }
                body.push('\n');
                body.push_str(next.trim_end());
                i += 1;
            }
        }
        let kind = match suffix.as_str() {
            "" | "+" => StepKind::Wire {
                side,
                text: body,
                mods,
                app: suffix == "+",
            },
            "E" => StepKind::Event { side, text: body },
            _ => StepKind::Command {
                side,
                command: parse_command(&body).map_err(err)?,
            },
        };
        t.steps.push(Step {
            at: format!("{name}:{lineno}"),
            kind,
        });
    }
    Ok(())
}
