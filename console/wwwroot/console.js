// Starts Blazor and keeps an unattended page (a classroom kiosk) alive without a touch: while the connection to the
// appliance is lost the page says so and is dimmed (never a stale page that looks live); Blazor retries for as long
// as the outage lasts; when the appliance answers again but no longer knows this page's circuit (it restarted), or the
// retries were exhausted, the page waits until the appliance answers and then reloads itself.
(() => {
    "use strict";
    const dialog = document.getElementById("components-reconnect-modal");
    let reloading = false;

    // Reload only once the console answers: reloading into a dead server would leave the browser's own error page,
    // which never recovers by itself.
    async function reloadWhenReachable() {
        if (reloading) {
            return;
        }
        reloading = true;
        for (;;) {
            try {
                // Only a healthy answer: a proxy's 502 while the console starts would reload into an error page.
                const answer = await fetch("/healthz", { cache: "no-store" });
                if (answer.ok) {
                    location.reload();
                    return;
                }
            } catch {
                // not reachable yet
            }
            await new Promise(resolve => setTimeout(resolve, 3000));
        }
    }

    function setReconnecting(on) {
        document.body.classList.toggle("cg-reconnecting", on);
        if (!dialog) {
            return;
        }
        if (on && !dialog.open) {
            dialog.showModal();
        } else if (!on && dialog.open) {
            dialog.close();
        }
    }

    if (dialog) {
        dialog.addEventListener("cancel", event => event.preventDefault()); // Escape must not hide a real outage
        dialog.addEventListener("components-reconnect-state-changed", event => {
            switch (event.detail.state) {
                case "show":
                case "retrying":
                    setReconnecting(true);
                    break;
                case "hide":
                    setReconnecting(false);
                    break;
                case "rejected":
                case "failed":
                case "resume-failed":
                    setReconnecting(true);
                    reloadWhenReachable();
                    break;
            }
        });
    }

    Blazor.start({
        circuit: {
            reconnectionOptions: {
                // Retry without end: quickly at first (a console restart takes a few seconds), then every 5 s.
                maxRetries: Number.MAX_SAFE_INTEGER,
                retryIntervalMilliseconds: attempt => (attempt < 5 ? 1000 : 5000),
            },
        },
    });
})();
