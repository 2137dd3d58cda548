package org.crosstenant.stack.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks loopback ports that are free right now and stay ours until a server binds them, so parallel test runs
 * ({@code mvn -T2}) and a running local stack never collide.
 *
 * <p>Two ways a picked port used to be lost before the broker or database bound it: any process listening on an
 * ephemeral port (Quarkus' {@code test-port=0}, a JDK {@code HttpServer} on port 0) may be given the port this class
 * just closed, and another JVM of the build may pick it too. So ports come from below the kernel's ephemeral range
 * ({@code /proc/sys/net/ipv4/ip_local_port_range}), where {@code bind(0)} never lands, and each handed-out port is
 * reserved across processes by a byte-range lock on one shared file per user, held until this JVM exits.
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** Lowest port handed out: above the local stack's documented ports (8080..9093, 15432). */
    static final int RANGE_LOW = 20000;
    /** Below this many candidates (an unusual ephemeral range) the ephemeral range is used as before. */
    private static final int MIN_RANGE = 1000;

    /** Ports this JVM handed out already: the kernel may offer a just-closed port again to the next bind(0). */
    private static final Set<Integer> ISSUED = ConcurrentHashMap.newKeySet();
    /** Reservations held for the JVM's lifetime; the OS drops them when the process ends, however it ends. */
    private static final List<FileLock> RESERVED = new CopyOnWriteArrayList<>();
    private static final FileChannel RESERVATIONS = openReservations();
    private static final int RANGE_HIGH = ephemeralLow();

    /**
     * A loopback port that is free now, that no other JVM of this user holds through this class, and that this JVM
     * has not handed out before, so two calls in a row (a broker's client and controller listeners, say) never get the
     * same port.
     *
     * @return a TCP port number, in {@code 20000 ..} the kernel's first ephemeral port {@code - 1} when that range
     *         holds at least 1000 ports, otherwise one the kernel chose
     * @throws IllegalStateException when 1000 candidates were all taken
     * @throws UncheckedIOException  when no port can be bound at all
     */
    public static int pick() {
        boolean belowEphemeral = RANGE_HIGH - RANGE_LOW >= MIN_RANGE;
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = belowEphemeral ? ThreadLocalRandom.current().nextInt(RANGE_LOW, RANGE_HIGH) : bindAny();
            if (ISSUED.contains(port)) {
                continue;
            }
            // reserve before the bind probe: the probe listens for a moment, and another JVM checking a port it
            // reserved earlier must not see that as "in use"
            Reservation reservation = reserve(port);
            if (reservation == null) {
                continue;
            }
            if ((!belowEphemeral || bindable(port)) && ISSUED.add(port)) {
                if (reservation.lock() != null) {
                    RESERVED.add(reservation.lock());
                }
                return port;
            }
            reservation.release();
        }
        throw new IllegalStateException("no free loopback port found in 1000 attempts");
    }

    /** True when something already listens on the loopback port. */
    public static boolean inUse(int port) {
        try (java.net.Socket ignored = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range; 32768 (Linux' default) where it cannot be read. */
    static int ephemeralLow() {
        try {
            // readString would trust procfs' reported size and read one character of it (JDK 17)
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int bindAny() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /**
     * Locks byte {@code port} of the shared file: the reservation (without a lock when there is no file to lock: the
     * bind probe then stays the only check), or null when another JVM, or another class loader's copy of this class,
     * holds it.
     */
    private static Reservation reserve(int port) {
        if (RESERVATIONS == null) {
            return Reservation.NO_FILE;
        }
        try {
            FileLock lock = RESERVATIONS.tryLock(port, 1, false);
            return lock == null ? null : new Reservation(lock);
        } catch (OverlappingFileLockException e) {
            return null;
        } catch (IOException e) {
            return Reservation.NO_FILE;
        }
    }

    /** A port's cross-process reservation; {@code lock} null when there is no file to lock. */
    private record Reservation(FileLock lock) {
        static final Reservation NO_FILE = new Reservation(null);

        void release() {
            if (lock == null) {
                return;
            }
            try {
                lock.release();
            } catch (IOException e) {
                // the port stays reserved until this JVM exits: one fewer candidate, nothing worse
            }
        }
    }

    private static FileChannel openReservations() {
        Path file = Path.of(System.getProperty("java.io.tmpdir"),
                "crosstenant-ports-" + System.getProperty("user.name", "user") + ".lock");
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            // a channel that is garbage collected gets closed, and closing any channel of the file drops all of the
            // process's locks on it (POSIX): a shutdown hook keeps this one reachable until the JVM exits, also when
            // the class loader of this copy of the class is discarded (Quarkus tests load classes in several)
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    channel.close();
                } catch (IOException e) {
                    // exiting anyway
                }
            }, "crosstenant-free-ports"));
            return channel;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
