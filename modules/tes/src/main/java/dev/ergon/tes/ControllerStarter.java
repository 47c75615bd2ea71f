package dev.ergon.tes;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** Starts the runtime and (for roles that run tasks) the controller when the CDI container is up. */
@ApplicationScoped
public class ControllerStarter {
    @Inject
    ErgonRuntime runtime;

    @Inject
    Controller controller;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        runtime.ensureStarted();
        controller.start();
    }
}
