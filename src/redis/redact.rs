//! Redis URLs and messages without their secrets.

/// `url` with any password replaced by `***` (user names are kept).
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_string();
    };
    let userinfo = &authority[..at];
    let user = match userinfo.find(':') {
        Some(colon) => &userinfo[..colon],
        None if userinfo.is_empty() => "",
        // `redis://secret@host`: a lone userinfo is a password for Redis.
        None => "",
    };
    format!("{}://{}:***@{}", &url[..scheme_end], user, &rest[at + 1..])
}

/// Removes every occurrence of `secret` from `text`.
pub(crate) fn scrub(text: String, secret: Option<&str>) -> String {
    match secret {
        Some(s) if !s.is_empty() && text.contains(s) => text.replace(s, "***"),
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
        (Some(u), Some(_)) => format!("{u}:***@"),
        (None, Some(_)) => ":***@".to_string(),
        (Some(u), None) => format!("{u}@"),
        (None, None) => String::new(),
    };
    format!("{scheme}://{auth}{}/{}", info.addr(), settings.db())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("redis://user:s3cret@host:6379/2"),
            "redis://user:***@host:6379/2"
        );
        assert_eq!(redact_url("redis://:s3cret@host"), "redis://:***@host");
        assert_eq!(redact_url("redis://s3cret@host/0"), "redis://:***@host/0");
        assert_eq!(redact_url("redis://host:1/0"), "redis://host:1/0");
        assert_eq!(redact_url("not a url"), "not a url");
        assert_eq!(scrub("x s3cret y".into(), Some("s3cret")), "x *** y");
    }
}
