//! The real `kerbside` binary as a separate process: started on port 0 (the
//! system picks a free port and the server prints the one it bound, so two
//! tests can never race for a port), spoken to over plain HTTP, its output
//! kept for the test to read.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `kerbside serve`.
pub struct ServerProcess {
    child: Child,
    /// The port it listens on.
    pub port: u16,
    output: Arc<Mutex<String>>,
}

fn collect(stream: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if let Ok(mut all) = into.lock() {
                all.push_str(&line);
                all.push('\n');
            }
        }
    });
}

impl ServerProcess {
    /// Start `kerbside serve` on `database_url` with extra environment, and
    /// wait until it says where it is serving.
    pub fn start(database_url: &str, env: &[(&str, &str)]) -> ServerProcess {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kerbside"));
        command
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("ROCKET_PORT", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("spawn kerbside");
        let output = Arc::new(Mutex::new(String::new()));
        collect(child.stdout.take().expect("stdout"), output.clone());
        collect(child.stderr.take().expect("stderr"), output.clone());
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let text = output.lock().map(|o| o.clone()).unwrap_or_default();
            if let Some(port) = text
                .split("serving on http://")
                .nth(1)
                .and_then(|rest| rest.split([' ', '\n']).next())
                .and_then(|addr| addr.rsplit(':').next())
                .and_then(|p| p.parse().ok())
            {
                return ServerProcess {
                    child,
                    port,
                    output,
                };
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("kerbside exited with {status} before serving:\n{text}");
            }
            assert!(
                Instant::now() < deadline,
                "kerbside did not start within 60 s:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Send a raw HTTP/1.1 request; the status code and the whole answer.
    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n",
            self.port
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("Content-Length: 0\r\n\r\n");
        s.write_all(req.as_bytes()).expect("send");
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        let status = answer
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (status, answer)
    }

    /// Everything the server printed so far.
    pub fn output(&self) -> String {
        self.output.lock().map(|o| o.clone()).unwrap_or_default()
    }

    /// Stop it; what it printed.
    pub fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::thread::sleep(Duration::from_millis(100));
        self.output()
    }
}
