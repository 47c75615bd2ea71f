package dev.ergon.wes;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** Starts the run reconciler (for roles that run work) when the CDI container is up. */
@ApplicationScoped
public class WesStarter {
    @Inject
    RunReconciler reconciler;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        reconciler.start();
    }
}
