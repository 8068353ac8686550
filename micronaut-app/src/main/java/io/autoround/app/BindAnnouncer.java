package io.autoround.app;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says at startup which address the service listens on and whether requests need a token, and warns when it
 * is reachable from other machines without one. The address is {@code micronaut.server.host}
 * ({@code AUTOROUND_HOST}, default 127.0.0.1).
 */
@Singleton
public class BindAnnouncer implements ApplicationEventListener<ServerStartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(BindAnnouncer.class);
    private final HttpServerConfiguration server;
    private final ServiceConfig config;

    public BindAnnouncer(HttpServerConfiguration server, ServiceConfig config) {
        this.server = server;
        this.config = config;
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        String line = describe(event.getSource().getPort());
        if (exposedWithoutToken()) {
            LOG.warn(line);
        } else {
            LOG.info(line);
        }
    }

    /** The startup line: address, port, reach and authentication. */
    public String describe(int port) {
        String host = server.getHost().orElse(null);
        String reach = host == null || host.isBlank() ? "all interfaces (AUTOROUND_HOST is empty)"
                : isLoopback(host) ? "loopback only; set AUTOROUND_HOST=0.0.0.0 to accept other machines"
                : "reachable from other machines";
        String auth = config.getAuthToken().isEmpty() ? "no token required (set AUTOROUND_TOKEN to require one)"
                : "bearer token required on /v1";
        String line = "autoround-service listening on " + (host == null || host.isBlank() ? "*" : host) + ":" + port
                + " (" + reach + "), " + auth;
        return exposedWithoutToken() ? line + "; WARNING: anyone who can reach this port can run jobs and download outputs" : line;
    }

    /** True when other machines can connect and no token is asked for. */
    public boolean exposedWithoutToken() {
        String host = server.getHost().orElse(null);
        return config.getAuthToken().isEmpty() && (host == null || host.isBlank() || !isLoopback(host));
    }

    private static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
