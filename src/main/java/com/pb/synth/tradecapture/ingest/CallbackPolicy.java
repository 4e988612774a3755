package com.pb.synth.tradecapture.ingest;

import com.pb.synth.tradecapture.config.CaptureConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where job callbacks ({@code X-Callback-Url}) may go: http(s) URLs whose host (and port) match an
 * operator's pattern. A pattern is {@code *} (any host), {@code *.example.com} (its subdomains),
 * {@code hooks.example.com} or an IP address, each optionally {@code :port}. An address that is
 * loopback, link-local (cloud metadata), private, unique-local, shared (CGNAT), unspecified or
 * multicast is refused unless a pattern other than {@code *} names its host: {@code *} alone
 * lets callbacks reach public addresses only. The address is checked when a callback is delivered,
 * on every address its host resolves to, so a name that later resolves inward is refused too.
 */
@Singleton
public class CallbackPolicy {

    private record Pattern(String host, int port, boolean any) {

        static Pattern parse(String text) {
            try {
                return parsed(text);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("CALLBACK_ALLOWED_HOSTS: not a host pattern: '" + text + "' ("
                        + e.getMessage() + ")", e);
            }
        }

        private static Pattern parsed(String text) {
            String p = text.trim().toLowerCase(Locale.ROOT);
            int port = -1;
            int colon = p.lastIndexOf(':');
            // host:port, but not a bare IPv6 address ([::1]:8080 or [::1])
            if (colon > 0 && p.indexOf(':') == colon || p.startsWith("[") && p.indexOf("]:") > 0) {
                port = Integer.parseInt(p.substring(colon + 1));
                p = p.substring(0, colon);
            }
            if (p.startsWith("[") && p.endsWith("]")) {
                p = p.substring(1, p.length() - 1);
            }
            if (p.isEmpty() || port == 0 || port > 65_535) {
                throw new IllegalArgumentException("no host, or a port out of range");
            }
            InetAddress address = p.contains("*") ? null : literal(p);
            return new Pattern(address != null ? address.getHostAddress() : p, port, p.equals("*"));
        }

        boolean matches(String host, int port) {
            if (this.port != -1 && this.port != port) {
                return false;
            }
            if (any) {
                return true;
            }
            return host.equals(this.host) || this.host.startsWith("*.") && host.endsWith(this.host.substring(1));
        }
    }

    private final List<Pattern> patterns;

    /** From {@code CALLBACK_ALLOWED_HOSTS}; a malformed pattern stops the service at start. */
    @Inject
    public CallbackPolicy(CaptureConfig config) {
        this(config.http().callback().allowedHosts());
    }

    CallbackPolicy(List<String> patterns) {
        List<Pattern> parsed = new ArrayList<>();
        for (String p : patterns) {
            if (!p.isBlank()) {
                parsed.add(Pattern.parse(p));
            }
        }
        this.patterns = List.copyOf(parsed);
    }

    /** A callback URL parsed and accepted by the patterns. */
    public record Destination(URI uri, String host, int port, boolean tls, boolean named) {
    }

    /** Thrown when a URL or an address is not allowed: the message says why. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The URL as a destination, when it is an absolute http(s) URL that a pattern allows (and, for an
     * IP address, one of the addresses allowed); else {@link Refused}.
     */
    public Destination destination(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new Refused("must be an absolute http(s) URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null
                || uri.getRawUserInfo() != null) {
            throw new Refused("must be an absolute http(s) URL without user info");
        }
        boolean tls = scheme.equals("https");
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress literal = literal(host);
        if (literal != null) {
            host = literal.getHostAddress();
        }
        int port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
        boolean named = false;
        boolean allowed = false;
        for (Pattern p : patterns) {
            if (p.matches(host, port)) {
                allowed = true;
                named |= !p.any();
            }
        }
        if (!allowed) {
            throw new Refused("host " + host + ":" + port + " is not an allowed callback destination");
        }
        Destination d = new Destination(uri, host, port, tls, named);
        if (literal != null) {
            check(d, literal);
        }
        return d;
    }

    /** Refuses an address the destination's host resolved to, unless it is public or the host is named. */
    public void check(Destination d, InetAddress address) {
        if (!d.named() && internal(address)) {
            throw new Refused("host " + d.host() + " resolves to " + address.getHostAddress()
                    + ", an internal address, and is not named in the allowed callback hosts");
        }
    }

    /** Loopback, link-local, private, unique-local, CGNAT, unspecified, multicast or broadcast. */
    static boolean internal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || first == 100 && second >= 64 && second < 128 || first == 255
                    || first == 198 && (second == 18 || second == 19);
        }
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return true; // unique local fc00::/7
            }
            boolean mapped = true; // ::ffff:a.b.c.d
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return internal(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (java.net.UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The host as an address when it is an IP literal (no lookup), else null. */
    static InetAddress literal(String host) {
        try {
            if (host.contains(":")) {
                return InetAddress.getByName(host); // an IPv6 literal: parsed, never looked up
            }
            if (!host.matches("[0-9.]+")) {
                return null;
            }
            // dotted quads only: other numeric forms (2130706433, 127.1) would reach addresses unseen
            String[] parts = host.split("\\.", -1);
            if (parts.length != 4) {
                throw new Refused("host " + host + " is not a dotted IPv4 address");
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3 || Integer.parseInt(parts[i]) > 255) {
                    throw new Refused("host " + host + " is not a dotted IPv4 address");
                }
                bytes[i] = (byte) Integer.parseInt(parts[i]);
            }
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new Refused("host " + host + " is not a valid address");
        }
    }
}
