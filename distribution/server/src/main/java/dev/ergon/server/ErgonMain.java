package dev.ergon.server;

import io.helidon.microprofile.server.Server;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Starts Ergon: {@code java -jar ergon-server.jar [--role api|controller|all] [--port N]
 * [--data-dir DIR]}. Options are shorthands for the config keys {@code ergon.role},
 * {@code server.port} and {@code ergon.data-dir}; every key can also be set with
 * {@code -Dkey=value} or an environment variable.
 */
public final class ErgonMain {
    private ErgonMain() {}

    public static void main(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            if (a.contains("=")) {
                value = a.substring(a.indexOf('=') + 1);
                a = a.substring(0, a.indexOf('='));
            } else if (i + 1 < args.length && !a.equals("--help") && !a.equals("-h")) {
                value = args[++i];
            }
            switch (a) {
                case "--role" -> {
                    String role = value == null ? "" : value.toLowerCase(Locale.ROOT);
                    if (role.equals("stage-in") || role.equals("stage-out")) {
                        // The filer role of a Kubernetes task Pod: stage, then exit; no server.
                        String spec = System.getenv("ERGON_STAGING_SPEC");
                        if (spec == null) {
                            usage(System.err, "--role " + role + " needs the environment variable ERGON_STAGING_SPEC");
                        }
                        System.exit(dev.ergon.tes.FilerRole.run(role, spec, System.out, System.err));
                    }
                    if (!role.equals("api") && !role.equals("controller") && !role.equals("all")) {
                        usage(
                                System.err,
                                "--role: '" + value + "' is not one of api, controller, all, stage-in, stage-out");
                    }
                    System.setProperty("ergon.role", role);
                }
                case "--port" -> {
                    try {
                        Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        usage(System.err, "--port: '" + value + "' is not a number");
                    }
                    System.setProperty("server.port", value);
                }
                case "--data-dir" -> System.setProperty("ergon.data-dir", value);
                case "--help", "-h" -> usage(System.out, null);
                default -> usage(System.err, "unknown option " + a);
            }
        }
        Server server = Server.builder().build().start();
        String host = server.host().equals("0.0.0.0") ? "localhost" : server.host();
        System.out.printf("Ergon is ready: http://%s:%d/ga4gh/tes/v1/service-info (TES)%n", host, server.port());
        System.out.printf("               http://%s:%d/ga4gh/wes/v1/service-info (WES)%n", host, server.port());
    }

    private static void usage(PrintStream out, String error) {
        if (error != null) {
            out.println("error: " + error);
        }
        out.println("usage: java -jar ergon-server.jar [--role api|controller|all] [--port N] [--data-dir DIR]");
        out.println(
                "       java -jar ergon-server.jar --role stage-in|stage-out   (with ERGON_STAGING_SPEC; see executor-kubernetes)");
        out.println("  Any config key can be set with -Dkey=value or an environment variable (see README.md).");
        System.exit(error == null ? 0 : 2);
    }
}
