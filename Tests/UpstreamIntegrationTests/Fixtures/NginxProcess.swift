import Foundation
import TestSupport

/// A real nginx as a PROXY protocol consumer: `listen 127.0.0.1:PORT proxy_protocol;`, an access
/// log of `$proxy_protocol_addr $proxy_protocol_port`, and a response that says the same. Runs in
/// the foreground as a child (`-g 'daemon off;' -p DIR -c CONF`), every file inside its temp dir.
final class NginxProcess {
    let child: ChildProcess
    let directory: TemporaryDirectory
    let port: UInt16

    /// nginx on PATH or in /usr/sbin (Debian's package); nil when it is not installed.
    static var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let candidates = path.split(separator: ":").map { "\($0)/nginx" } + ["/usr/sbin/nginx"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    init() throws {
        guard let executable = Self.executable else {
            throw TestSupportError(.notFound, "nginx", "not installed; scripts/install-deps.sh installs it")
        }
        directory = try TemporaryDirectory(prefix: "nginx")
        port = try freeLoopbackPort()
        let root = directory.path
        let config = """
            worker_processes 1;
            error_log \(root)/error.log info;
            pid \(root)/nginx.pid;
            events { worker_connections 64; }
            http {
                client_body_temp_path \(root)/client_body;
                proxy_temp_path \(root)/proxy;
                fastcgi_temp_path \(root)/fastcgi;
                uwsgi_temp_path \(root)/uwsgi;
                scgi_temp_path \(root)/scgi;
                log_format proxied '$proxy_protocol_addr $proxy_protocol_port via $remote_addr';
                server {
                    listen 127.0.0.1:\(port) proxy_protocol;
                    access_log \(root)/access.log proxied;
                    location / {
                        default_type text/plain;
                        return 200 "client $proxy_protocol_addr:$proxy_protocol_port\\n";
                    }
                }
            }

            """
        let configPath = try directory.write(config, to: "nginx.conf")
        child = try ChildProcess.start([
            executable, "-g", "daemon off;\(getuid() == 0 ? " user root;" : "")", "-e", "\(root)/error.log",
            "-p", root, "-c", configPath,
        ])
        try waitUntilListening()
    }

    /// nginx has bound its port once a TCP connect succeeds (the probe sends nothing: nginx just
    /// waits for a header and drops it when the probe closes).
    private func waitUntilListening() throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(15))
        while true {
            if let probe = try? TCPStream.connect(port: port, timeout: .seconds(1)) {
                probe.close()
                return
            }
            guard child.isRunning, ContinuousClock.now < deadline else {
                let log = (try? String(contentsOfFile: directory.file("error.log"), encoding: .utf8)) ?? ""
                throw TestSupportError(.timedOut, "nginx on port \(port)", "\(child.outputTail())\n\(log)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Access log lines so far.
    var accessLog: [String] {
        let text = (try? String(contentsOfFile: directory.file("access.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// Waits until the access log has a line equal to `line`.
    func waitForAccessLog(_ line: String, timeout: Duration = .seconds(10)) throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !accessLog.contains(line) {
            guard ContinuousClock.now < deadline else {
                throw TestSupportError(.timedOut, "nginx access log line \"\(line)\"", "log: \(accessLog)")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    func stop() { _ = try? child.stop(grace: .seconds(5)) }

    deinit { stop() }
}
