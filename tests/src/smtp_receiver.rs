//! An SMTP server on loopback for the mail tests: it speaks the protocol over TCP (EHLO, MAIL,
//! RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT), keeps every message it accepts, and
//! answers `250 2.0.0 Ok: queued as <n>` as real servers do. It can start late on a port
//! chosen before, to show mail waiting out an outage.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// One message as it arrived.
#[derive(Clone, Debug)]
pub struct ReceivedMail {
    pub from: String,
    pub to: Vec<String>,
    /// The raw RFC 5322 message.
    pub data: Vec<u8>,
}

impl ReceivedMail {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }

    /// The parsed message, for its headers and bodies.
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .unwrap_or_else(|| panic!("not a mail: {}", self.text()))
    }

    /// A header's raw value, unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        self.parsed()
            .headers_raw()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.replace("\r\n", "").trim().to_owned())
    }
}

pub struct SmtpReceiver {
    pub port: u16,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl SmtpReceiver {
    /// Listens on a free loopback port.
    pub fn start() -> SmtpReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let port = listener.local_addr().unwrap_or_else(|e| panic!("{e}")).port();
        let receiver = SmtpReceiver {
            port,
            received: Arc::default(),
        };
        receiver.serve(listener);
        receiver
    }

    /// A port where nothing listens yet: `resume` starts serving there.
    pub fn down() -> SmtpReceiver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .unwrap_or_else(|e| panic!("{e}"))
            .port();
        SmtpReceiver {
            port,
            received: Arc::default(),
        }
    }

    /// Starts serving on the same port again.
    pub fn resume(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).unwrap_or_else(|e| panic!("{e}"));
        self.serve(listener);
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<ReceivedMail> {
        self.received.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn serve(&self, listener: TcpListener) {
        let received = Arc::clone(&self.received);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let received = Arc::clone(&received);
                std::thread::spawn(move || {
                    let _ = session(stream, &received);
                });
            }
        });
    }
}

fn session(stream: TcpStream, received: &Mutex<Vec<ReceivedMail>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut reply = |text: &str| writer.write_all(format!("{text}\r\n").as_bytes());
    reply("220 localhost ESMTP test receiver")?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            reply("250-localhost\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 20000000")?;
        } else if upper.starts_with("HELO") {
            reply("250 localhost")?;
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&command[10..]);
            to.clear();
            reply("250 2.1.0 Ok")?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(address(&command[8..]));
            reply("250 2.1.5 Ok")?;
        } else if upper == "DATA" {
            reply("354 End data with <CR><LF>.<CR><LF>")?;
            let data = read_data(&mut reader)?;
            let mut all = received.lock().unwrap_or_else(PoisonError::into_inner);
            all.push(ReceivedMail {
                from: from.clone(),
                to: to.clone(),
                data,
            });
            reply(&format!("250 2.0.0 Ok: queued as {}", all.len()))?;
        } else if upper == "RSET" || upper == "NOOP" {
            reply("250 2.0.0 Ok")?;
        } else if upper == "QUIT" {
            reply("221 2.0.0 Bye")?;
            return Ok(());
        } else {
            reply("502 5.5.2 Command not recognized")?;
        }
    }
}

fn address(rest: &str) -> String {
    rest.split_whitespace()
        .next()
        .unwrap_or_default()
        .trim_matches(['<', '>'])
        .to_owned()
}

/// The message up to the line holding one dot, with dot-stuffing undone.
fn read_data(reader: &mut BufReader<TcpStream>) -> std::io::Result<Vec<u8>> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(data);
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok(data);
        }
        let unstuffed = if line.starts_with(b"..") { &line[1..] } else { &line[..] };
        data.extend_from_slice(unstuffed);
    }
}
