package io.autoround.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 class 7: the service listens on loopback unless {@code micronaut.server.host} (AUTOROUND_HOST) says
 * otherwise, and its startup line says where it listens and warns when it is exposed without a token.
 */
class BindAddressTest extends ServiceTestBase {

    private EmbeddedServer start(Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>(getProperties());
        props.put("micronaut.server.port", -1);
        props.putAll(extra);
        return ApplicationContext.run(EmbeddedServer.class, props, "test");
    }

    /** An IPv4 address of this machine that is not loopback, when it has one. */
    private static Optional<InetAddress> externalAddress() throws IOException {
        return NetworkInterface.networkInterfaces().filter(i -> {
            try {
                return i.isUp() && !i.isLoopback();
            } catch (IOException e) {
                return false;
            }
        }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
    }

    private static boolean connects(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void byDefaultOnlyLoopbackIsServedAndTheStartupLineSaysSo() throws Exception {
        try (EmbeddedServer server = start(Map.of())) {
            int port = server.getPort();
            assertTrue(connects(InetAddress.getLoopbackAddress(), port), "loopback must connect");
            Optional<InetAddress> external = externalAddress();
            external.ifPresent(a -> assertFalse(connects(a, port), "reachable on " + a + " although bound to loopback"));
            BindAnnouncer announcer = server.getApplicationContext().getBean(BindAnnouncer.class);
            String line = announcer.describe(port);
            assertTrue(line.contains("listening on 127.0.0.1:" + port), line);
            assertTrue(line.contains("loopback only; set AUTOROUND_HOST=0.0.0.0"), line);
            assertTrue(line.contains("no token required"), line);
            assertFalse(line.contains("WARNING"), line);
            assertFalse(announcer.exposedWithoutToken());
        }
    }

    @Test
    void allInterfacesWithoutATokenIsServedButWarnedAbout() throws Exception {
        try (EmbeddedServer server = start(Map.of("micronaut.server.host", "0.0.0.0"))) {
            int port = server.getPort();
            Optional<InetAddress> external = externalAddress();
            external.ifPresent(a -> assertTrue(connects(a, port), "configured for all interfaces but not reachable on " + a));
            BindAnnouncer announcer = server.getApplicationContext().getBean(BindAnnouncer.class);
            String line = announcer.describe(port);
            assertTrue(line.contains("listening on 0.0.0.0:" + port + " (reachable from other machines)"), line);
            assertTrue(line.contains("WARNING: anyone who can reach this port can run jobs"), line);
            assertTrue(announcer.exposedWithoutToken());
        }
    }

    @Test
    void anExposedServiceWithATokenIsNotWarnedAbout() {
        try (EmbeddedServer server = start(Map.of("micronaut.server.host", "0.0.0.0", "autoround.auth-token", "t0ken"))) {
            BindAnnouncer announcer = server.getApplicationContext().getBean(BindAnnouncer.class);
            String line = announcer.describe(server.getPort());
            assertTrue(line.contains("bearer token required on /v1"), line);
            assertFalse(line.contains("WARNING"), line);
            assertFalse(announcer.exposedWithoutToken());
            assertEquals("0.0.0.0", server.getApplicationContext().getProperty("micronaut.server.host", String.class).orElse(""));
        }
    }
}
