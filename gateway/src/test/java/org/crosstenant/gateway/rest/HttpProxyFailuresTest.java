package org.crosstenant.gateway.rest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.UnknownHostException;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.impl.NoStackTraceTimeoutException;

/** Which failures to obtain an upstream connection are worth a retry (503) and which are configuration faults (502). */
class HttpProxyFailuresTest {

    @Test
    void refusedTimedOutAndBusyAreTransient() {
        assertTrue(HttpProxy.transientConnectFailure(new ConnectException("Connection refused")));
        assertTrue(HttpProxy.transientConnectFailure(new ConnectTimeoutException("connection timed out")));
        assertTrue(HttpProxy.transientConnectFailure(new NoStackTraceTimeoutException("no connection in 2000 ms")));
        assertTrue(HttpProxy.transientConnectFailure(new ConnectionPoolTooBusyException("queue full")));
        assertTrue(HttpProxy.transientConnectFailure(new java.net.NoRouteToHostException("No route to host")));
        assertTrue(HttpProxy.transientConnectFailure(new java.net.SocketException("Network is unreachable")));
        assertTrue(HttpProxy.transientConnectFailure(new IllegalStateException("Client is closed")));
        assertTrue(HttpProxy.transientConnectFailure(new io.vertx.core.VertxException("Pool closed")));
    }

    @Test
    void unknownHostsAndTlsFailuresAreNot() {
        assertFalse(HttpProxy.transientConnectFailure(new UnknownHostException("nowhere.invalid")));
        assertFalse(HttpProxy.transientConnectFailure(new SSLHandshakeException("bad certificate")));
        assertFalse(HttpProxy.transientConnectFailure(new IllegalArgumentException("not a URI")));
        assertFalse(HttpProxy.transientConnectFailure(new io.vertx.core.VertxException("anything else")));
    }
}
