package dev.feed.relation.ratelimit;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The client address a per-address limit counts: the connection's peer. Behind a load balancer
 * that is the balancer, unless Quarkus is told to trust it: with
 * {@code quarkus.http.proxy.proxy-address-forwarding}, {@code allow-x-forwarded} and
 * {@code trusted-proxies} set (README "Rate limits"), Quarkus replaces the peer with the address
 * in X-Forwarded-For, and only for connections from those proxies, so a client cannot pick its
 * own bucket by sending the header.
 */
final class ClientAddress {
    private ClientAddress() {
    }

    /** IPv4 as is; IPv6 as its /64, the block one subscriber gets (one host can use all of it). */
    static String of(HttpServerRequest request) {
        SocketAddress peer = request.remoteAddress();
        String host = peer == null ? null : peer.hostAddress();
        if (host == null || host.isEmpty()) {
            return "unknown";
        }
        if (host.indexOf(':') < 0) {
            return host;
        }
        try {
            byte[] bytes = InetAddress.getByName(host).getAddress(); // a literal: no name lookup
            if (bytes.length != 16) {
                return host;
            }
            for (int i = 8; i < 16; i++) {
                bytes[i] = 0;
            }
            return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
        } catch (UnknownHostException e) {
            return host;
        }
    }
}
