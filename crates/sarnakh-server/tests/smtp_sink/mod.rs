//! A local SMTP sink for tests: enough SMTP to receive mail (EHLO/HELO, MAIL, RCPT, DATA,
//! RSET, NOOP, QUIT), keeping each mail's recipients and raw data; it can be told to refuse
//! mail with a temporary error, as a server that is down for mail does.

#![allow(
    dead_code,
    reason = "each test file uses a different subset of the helpers"
)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One received mail.
#[derive(Debug, Clone)]
pub struct Captured {
    pub to: Vec<String>,
    pub data: String,
}

/// A running sink.
pub struct Sink {
    pub addr: SocketAddr,
    mails: Arc<Mutex<Vec<Captured>>>,
    /// While set, `MAIL FROM` is answered `451` (a server that is down for mail).
    pub refuse: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Sink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mails = Arc::new(Mutex::new(Vec::new()));
        let refuse = Arc::new(AtomicBool::new(false));
        let (m, r) = (mails.clone(), refuse.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, m.clone(), r.clone()));
            }
        });
        Self {
            addr,
            mails,
            refuse,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    pub fn mails(&self) -> Vec<Captured> {
        self.mails.lock().expect("lock").clone()
    }

    pub fn recipients(&self) -> Vec<String> {
        let mut all: Vec<String> = self.mails().into_iter().flat_map(|m| m.to).collect();
        all.sort();
        all
    }
}

async fn session(stream: TcpStream, mails: Arc<Mutex<Vec<Captured>>>, refuse: Arc<AtomicBool>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let _ = write.write_all(b"220 sink.test ESMTP\r\n").await;
    let mut to = Vec::new();
    loop {
        let mut line = String::new();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-sink.test\r\n250 8BITMIME\r\n"
        } else if upper.starts_with("HELO") {
            b"250 sink.test\r\n"
        } else if upper.starts_with("MAIL FROM") {
            to.clear();
            if refuse.load(Ordering::SeqCst) {
                b"451 4.3.0 try again later\r\n"
            } else {
                b"250 OK\r\n"
            }
        } else if upper.starts_with("RCPT TO") {
            let addr = line[8..].trim().trim_start_matches(':').trim();
            to.push(addr.trim_matches(['<', '>']).to_owned());
            b"250 OK\r\n"
        } else if upper.starts_with("DATA") {
            let _ = write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await;
            let mut data = String::new();
            loop {
                let mut l = String::new();
                match lines.read_line(&mut l).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                if l == ".\r\n" {
                    break;
                }
                data.push_str(l.strip_prefix('.').unwrap_or(&l));
            }
            mails.lock().expect("lock").push(Captured {
                to: std::mem::take(&mut to),
                data,
            });
            b"250 OK queued\r\n"
        } else if upper.starts_with("RSET") {
            to.clear();
            b"250 OK\r\n"
        } else if upper.starts_with("NOOP") {
            b"250 OK\r\n"
        } else if upper.starts_with("QUIT") {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else {
            b"502 unknown command\r\n"
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}
