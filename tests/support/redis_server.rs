//! A private `redis-server` for tests: free loopback port, no persistence, temp dir,
//! killed on drop. A missing `redis-server` is handled by [`super::tools::require_tool`]:
//! a recorded skip, or a failure in CI.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server.
pub struct RedisServer {
    child: Option<Child>,
    pub port: u16,
    dir: PathBuf,
    password: Option<String>,
    /// More `redis-server` arguments (e.g. a TLS port and its certificates).
    extra: Vec<String>,
}

fn binary() -> PathBuf {
    which::which("redis-server").expect("redis-server on PATH")
}

/// A free loopback port below 55536 (a cluster node also needs port + 10000).
pub fn free_port() -> u16 {
    (0..1000)
        .map(|_| {
            TcpListener::bind("127.0.0.1:0")
                .expect("bind an ephemeral loopback port")
                .local_addr()
                .unwrap()
                .port()
        })
        .find(|&p| p < 55536)
        .expect("a free loopback port below 55536")
}

impl RedisServer {
    /// Starts a server, or returns `None` (the skip recorded) when redis-server is missing
    /// outside CI; panics when it is missing in CI.
    pub fn start() -> Option<Self> {
        Self::start_with_password(None)
    }

    /// Starts a server requiring `password` (`requirepass`).
    pub fn start_with_password(password: Option<&str>) -> Option<Self> {
        Self::start_with(password, Vec::new())
    }

    /// Starts a server with more `redis-server` arguments (`extra`), the plain port kept for
    /// [`ping`](Self::ping) and [`conn`](Self::conn).
    pub fn start_with(password: Option<&str>, extra: Vec<String>) -> Option<Self> {
        if !super::tools::require_tool("redis-server") {
            return None;
        }
        let port = free_port();
        let dir =
            std::env::temp_dir().join(format!("ringside-redis-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let mut server = RedisServer {
            child: None,
            port,
            dir,
            password: password.map(str::to_string),
            extra,
        };
        server.spawn();
        Some(server)
    }

    fn spawn(&mut self) {
        let mut cmd = Command::new(binary());
        cmd.args(["--bind", "127.0.0.1", "--port"])
            .arg(self.port.to_string())
            .args(["--save", "", "--appendonly", "no", "--dir"])
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(p) = &self.password {
            cmd.args(["--requirepass", p]);
        }
        cmd.args(&self.extra);
        self.child = Some(cmd.spawn().expect("start redis-server"));
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.ping() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("redis-server on port {} did not answer PING", self.port);
    }

    /// A raw PING (with AUTH first when a password is set).
    pub fn ping(&self) -> bool {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
        let mut req = String::new();
        if let Some(p) = &self.password {
            req.push_str(&format!("AUTH {p}\r\n"));
        }
        req.push_str("PING\r\n");
        if s.write_all(req.as_bytes()).is_err() {
            return false;
        }
        let mut buf = [0u8; 64];
        let mut got = String::new();
        while !got.contains("PONG") {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => return false,
                Ok(n) => got.push_str(&String::from_utf8_lossy(&buf[..n])),
            }
        }
        true
    }

    /// `redis://127.0.0.1:PORT/0` (with the password when set).
    pub fn url(&self) -> String {
        match &self.password {
            Some(p) => format!("redis://:{p}@127.0.0.1:{}/0", self.port),
            None => format!("redis://127.0.0.1:{}/0", self.port),
        }
    }

    /// Kills the server (SIGKILL) and waits for it.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts it again on the same port (empty: nothing is persisted).
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    /// The server's process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// A plain synchronous connection for inspecting keys.
    pub fn conn(&self) -> redis::Connection {
        redis::Client::open(self.url())
            .unwrap()
            .get_connection()
            .expect("connect to the test redis-server")
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
