/// What to write instead of the nginx, HAProxy and hitch directives operators bring with them.
enum ForeignDirectiveHints {
    static func hint(for name: String) -> String? {
        switch name {
        case "ssl_certificate", "ssl_certificate_key", "pem-file", "crt":
            "use \"certificate CHAIN KEY;\" in a frontend block"
        case "ssl_stapling", "ocsp-update":
            "stapling is on by default; \"stapling off;\" inside a certificate block turns it off"
        case "ssl_stapling_verify":
            "every OCSP response is always verified; nothing to configure"
        case "ssl_stapling_file", "ocsp-dir":
            "use \"staple_file FILE;\" inside a certificate block"
        case "ssl_stapling_responder":
            "use \"ocsp_url URL;\" inside a certificate block"
        case "ssl_trusted_certificate":
            "put the issuer in the chain file, or use \"issuer FILE;\" inside a certificate block"
        case "ssl_protocols", "ssl-min-ver", "tls-protos":
            "use \"protocols TLSv1.2 TLSv1.3;\" in a frontend block"
        case "ssl_ciphers":
            "use \"ciphers LIST;\" (TLS 1.2) and \"ciphersuites LIST;\" (TLS 1.3) in a frontend block"
        case "ssl_ecdh_curve":
            "use \"curves LIST;\" in a frontend block"
        case "proxy_pass", "backend", "default_backend":
            "declare \"upstream NAME { server HOST:PORT; }\" and name it with \"upstream NAME;\" in the frontend"
        case "least_conn":
            "use \"balance least_conn;\" in the upstream block"
        case "proxy_protocol", "send-proxy", "send-proxy-v2":
            "use \"send_proxy v1|v2;\" in the upstream block"
        case "resolver":
            "OCSP responders and upstream names are resolved with the system resolver"
        case "worker_processes":
            "use \"workers auto|N;\""
        case "error_log":
            "stapled logs to stderr; use \"log_level LEVEL;\""
        case "server_name":
            "SNI names are taken from the certificates themselves"
        default:
            nil
        }
    }
}
