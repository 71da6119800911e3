//! A TCP forwarder between the server and one of its dependencies, so a test can make the
//! dependency unreachable without stopping the real, shared service: it forwards, or turns into
//! a black hole (connections are accepted, the kernel takes the bytes and nothing ever comes
//! back, on new and open connections alike), or refuses (no listener; open connections are cut).

use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Forward,
    BlackHole,
    Refuse,
}

pub struct Forwarder {
    pub port: u16,
    mode: watch::Sender<Mode>,
    task: tokio::task::JoinHandle<()>,
}

impl Forwarder {
    /// Listens on a free port of 127.0.0.1 and forwards to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Forwarder {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("forwarder listens");
        let port = listener.local_addr().expect("address").port();
        let (mode, modes) = watch::channel(Mode::Forward);
        let task = tokio::spawn(serve(listener, port, upstream, modes));
        Forwarder { port, mode, task }
    }

    pub fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        self.set(Mode::Refuse);
        self.task.abort();
    }
}

async fn serve(listener: TcpListener, port: u16, upstream: SocketAddr, mut modes: watch::Receiver<Mode>) {
    let mut listener = Some(listener);
    loop {
        let mode = *modes.borrow_and_update();
        if mode == Mode::Refuse {
            // Closing the listening socket is what makes connecting fail with "refused".
            listener = None;
            if modes.changed().await.is_err() {
                return;
            }
            continue;
        }
        let accepting = match &listener {
            Some(listener) => listener,
            None => listener.insert(TcpListener::bind(("127.0.0.1", port)).await.expect("forwarder listens again")),
        };
        tokio::select! {
            accepted = accepting.accept() => {
                if let Ok((socket, _)) = accepted {
                    tokio::spawn(pipe(socket, upstream, modes.clone()));
                }
            }
            changed = modes.changed() => if changed.is_err() { return },
        }
    }
}

/// One connection: forwarded while the mode is Forward, held silent while it is BlackHole, cut
/// on Refuse. A connection accepted into the black hole never reaches upstream, and is cut when
/// the mode changes (as a peer that finally answers a connection it lost would).
async fn pipe(mut client: TcpStream, upstream: SocketAddr, mut modes: watch::Receiver<Mode>) {
    if *modes.borrow_and_update() != Mode::Forward {
        let _ = modes.changed().await;
        return;
    }
    let Ok(mut server) = TcpStream::connect(upstream).await else { return };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (mut up, mut down) = (vec![0u8; 16 * 1024], vec![0u8; 16 * 1024]);
    loop {
        let mode = *modes.borrow_and_update();
        match mode {
            Mode::Refuse => return,
            Mode::BlackHole => {
                // Nothing is read, so nothing moves either way until the mode changes.
                if modes.changed().await.is_err() {
                    return;
                }
            }
            Mode::Forward => tokio::select! {
                n = client.read(&mut up) => match n {
                    Ok(n) if n > 0 => if server.write_all(&up[..n]).await.is_err() { return },
                    _ => return,
                },
                n = server.read(&mut down) => match n {
                    Ok(n) if n > 0 => if client.write_all(&down[..n]).await.is_err() { return },
                    _ => return,
                },
                changed = modes.changed() => if changed.is_err() { return },
            },
        }
    }
}
