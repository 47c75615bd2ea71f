package dev.ergon.server;

import dev.ergon.tes.ErgonRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the database answers. */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {
    @Inject
    ErgonRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        try (Connection c = runtime.database().dataSource().getConnection()) {
            boolean ok = c.isValid(2);
            return HealthCheckResponse.named("database")
                    .status(ok)
                    .withData("url", runtime.database().jdbcUrl())
                    .build();
        } catch (Exception e) {
            return HealthCheckResponse.named("database")
                    .down()
                    .withData("error", e.getMessage())
                    .build();
        }
    }
}
