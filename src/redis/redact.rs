//! Redis URLs and messages without their secrets.
//!
//! A URL is parsed with the `url` crate (as the Redis client parses it) and rebuilt with
//! every secret masked: the password, a lone user name (`redis://secret@host` is a password
//! for Redis), and `password`-like query parameters (`?pass=`, `?password=`, as in
//! `redis+unix:///tmp/r.sock?pass=…`). A password typed with an unescaped `/`, `?` or `#`
//! splits the URL before its `@`; then everything up to the last `@` is masked, and so is
//! any query after it.

use url::Url;

/// What replaces a secret.
const MASK: &str = "***";

/// `url` with every password replaced by `***` (user names are kept).
pub fn redact_url(raw: &str) -> String {
    if let Ok(url) = Url::parse(raw)
        && let Some(masked) = mask(url)
    {
        return masked.into();
    }
    match raw.split_once("://") {
        Some((scheme, rest)) => {
            let tail = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
            let (tail, query) = match tail.split_once('?') {
                Some((before, _)) => (before, "?***"),
                None => (tail, ""),
            };
            let auth = if rest.contains('@') { "***@" } else { "" };
            format!("{scheme}://{auth}{tail}{query}")
        }
        None if raw.contains(['@', '?']) => MASK.to_string(),
        None => raw.to_string(),
    }
}

/// `url` with its password, lone user name and password parameters masked; `None` when a
/// secret could not be replaced, or a stray `@` after the authority shows a password split
/// by an unescaped `/`, `?` or `#` (then the caller masks the text).
fn mask(mut url: Url) -> Option<Url> {
    if [Some(url.path()), url.fragment()]
        .into_iter()
        .flatten()
        .any(|part| part.contains('@'))
    {
        return None;
    }
    if url.password().is_some() {
        url.set_password(Some(MASK)).ok()?;
    } else if !url.username().is_empty() {
        url.set_username("").ok()?;
        url.set_password(Some(MASK)).ok()?;
    }
    if url.query().is_some() {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (k, v) in url.query_pairs() {
            if k.to_ascii_lowercase().contains("pass") {
                pairs.push((k.into_owned(), MASK.into()));
            } else if k.contains('@') || v.contains('@') {
                return None;
            } else {
                pairs.push((k.into_owned(), v.into_owned()));
            }
        }
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    Some(url)
}

/// Removes every occurrence of `secret` from `text`.
pub(crate) fn scrub(text: String, secret: Option<&str>) -> String {
    match secret {
        Some(s) if !s.is_empty() && text.contains(s) => text.replace(s, MASK),
        _ => text,
    }
}

/// The description of a connection, e.g. `redis://:***@127.0.0.1:6379/0`.
pub(crate) fn describe_info(info: &::redis::ConnectionInfo) -> String {
    let settings = info.redis_settings();
    let scheme = match info.addr() {
        ::redis::ConnectionAddr::Unix(_) => "redis+unix",
        ::redis::ConnectionAddr::TcpTls { .. } => "rediss",
        _ => "redis",
    };
    let auth = match (settings.username(), settings.password()) {
        (Some(u), Some(_)) => format!("{u}:{MASK}@"),
        (None, Some(_)) => format!(":{MASK}@"),
        (Some(u), None) => format!("{u}@"),
        (None, None) => String::new(),
    };
    format!("{scheme}://{auth}{}/{}", info.addr(), settings.db())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Redacts `url`, checks that `secret` is gone, and returns the result.
    fn hides(url: &str, secret: &str) -> String {
        let out = redact_url(url);
        assert!(!out.contains(secret), "{url} -> {out}");
        out
    }

    #[test]
    fn userinfo_passwords_are_masked_and_users_kept() {
        assert_eq!(
            hides("redis://user:s3cret@host:6379/2", "s3cret"),
            "redis://user:***@host:6379/2"
        );
        assert_eq!(hides("redis://:s3cret@host", "s3cret"), "redis://:***@host");
        assert_eq!(
            hides("rediss://:s3cret@host:1", "s3cret"),
            "rediss://:***@host:1"
        );
    }

    #[test]
    fn a_lone_userinfo_is_a_password() {
        assert_eq!(
            hides("redis://s3cret@host/0", "s3cret"),
            "redis://:***@host/0"
        );
    }

    #[test]
    fn urls_without_secrets_are_unchanged() {
        assert_eq!(redact_url("redis://host:1/0"), "redis://host:1/0");
        assert_eq!(redact_url("redis://host:1/0?db=2"), "redis://host:1/0?db=2");
        assert_eq!(redact_url("not a url"), "not a url");
    }

    #[test]
    fn passwords_with_reserved_characters_are_masked() {
        for (url, secret) in [
            ("redis://:s3cret/x@host", "s3cret"),
            ("redis://:s3c?ret@host:6379", "s3c"),
            ("redis://:s3c#ret@host", "s3c"),
            ("redis://u:12/ab@host/0", "12/ab"),
            ("redis://u:12?ab@host", "ab"),
            ("redis://u:12#ab@host", "ab"),
            ("redis://user:p@ss@host", "p@ss"),
        ] {
            let out = hides(url, secret);
            assert!(out.ends_with("@host") || out.contains("@host"), "{out}");
        }
        assert_eq!(hides("redis://:s3cret/x@host", "x@"), "redis://***@host");
        assert_eq!(
            hides("redis://u:12/ab@host/0?pass=qq", "qq"),
            "redis://***@host/0?***"
        );
    }

    #[test]
    fn password_query_parameters_are_masked() {
        assert_eq!(
            hides("redis://host:6379/0?password=s3cret", "s3cret"),
            "redis://host:6379/0?password=***"
        );
        assert_eq!(
            hides("redis://host/0?db=1&pass=s3cret", "s3cret"),
            "redis://host/0?db=1&pass=***"
        );
        assert_eq!(
            hides("redis://host/0?pass=p@ss", "@ss"),
            "redis://host/0?pass=***"
        );
    }

    #[test]
    fn unix_socket_urls_are_masked() {
        assert_eq!(
            hides("redis+unix:///tmp/r.sock?pass=s3cret", "s3cret"),
            "redis+unix:///tmp/r.sock?pass=***"
        );
        assert_eq!(
            hides("unix:///tmp/r.sock?db=2&pass=s3cret", "s3cret"),
            "unix:///tmp/r.sock?db=2&pass=***"
        );
        assert_eq!(
            hides("unix:/tmp/r.sock?password=s3cret", "s3cret"),
            "unix:/tmp/r.sock?password=***"
        );
    }

    #[test]
    fn unparseable_text_with_secrets_is_masked() {
        hides("user:s3cret@host", "s3cret");
        hides("host?pass=s3cret", "s3cret");
    }

    #[test]
    fn scrub_removes_the_secret() {
        assert_eq!(scrub("x s3cret y".into(), Some("s3cret")), "x *** y");
        assert_eq!(scrub("x y".into(), Some("")), "x y");
    }
}
