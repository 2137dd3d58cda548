package org.crosstenant.stack.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Picks loopback ports that are free right now, so parallel test runs and a running local stack never collide. */
public final class FreePorts {

    private FreePorts() {
    }

    /** Ports this JVM handed out already: the kernel may offer a just-closed port again to the next bind(0). */
    private static final Set<Integer> ISSUED = ConcurrentHashMap.newKeySet();

    /**
     * A loopback port that is free now and that this JVM has not handed out before, so two calls in a row (a broker's
     * client and controller listeners, say) never get the same port.
     *
     * @return a TCP port number
     * @throws UncheckedIOException when no port can be bound
     */
    public static int pick() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = bindAny();
            if (ISSUED.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no loopback port left that this JVM has not handed out");
    }

    private static int bindAny() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** True when something already listens on the loopback port. */
    public static boolean inUse(int port) {
        try (java.net.Socket ignored = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
