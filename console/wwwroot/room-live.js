// ClassroomGuard live classroom view (/rooms/N). The server renders the whole page; this script keeps it live from
// the room's server-sent-event stream, posts the action forms without reloading, and runs the kiosk's privacy blank.
// The texts it writes mirror console/Classroom/LiveText.cs: keep the two in step.
(function () {
    'use strict';

    const room = document.getElementById('room');
    if (!room) {
        return;
    }

    const SPARK_WIDTH = 120;
    const SPARK_HEIGHT = 32;
    const STALE_MS = 20000; // no message for this long on an "open" stream: treat it as dead and reconnect
    const status = document.getElementById('live-status');
    const form = document.getElementById('room-form');
    const outcome = document.getElementById('action-outcome');
    const overlay = document.getElementById('privacy-overlay');
    const privacyButton = document.getElementById('privacy-blank');
    let source = null;
    let lastMessage = 0;
    let retryDelay = 1000;
    let retryTimer = 0;
    let signedOut = false;

    // ---- connection state -------------------------------------------------------------------------------------

    function setStatus(state, text) {
        status.dataset.state = state;
        const label = status.querySelector('.live-text');
        if (state === 'signed-out') {
            label.textContent = '';
            label.append(text || 'Signed out. ');
            const link = document.createElement('a');
            link.href = '/signin?returnUrl=' + encodeURIComponent(location.pathname);
            link.textContent = 'Sign in again';
            label.append(link);
        } else {
            label.textContent = text || (state === 'live' ? 'Live' : 'Reconnecting…');
        }
    }

    function connect() {
        clearTimeout(retryTimer);
        if (source) {
            source.close();
        }

        source = new EventSource(room.dataset.liveUrl);
        source.onopen = function () {
            retryDelay = 1000;
            lastMessage = Date.now();
        };
        source.onmessage = function (event) {
            lastMessage = Date.now();
            setStatus('live');
            apply(JSON.parse(event.data));
        };
        source.addEventListener('bye', function () {
            // The server ends each stream after a few minutes (to re-check the session): reopen at once, quietly.
            connect();
        });
        source.onerror = function () {
            if (source.readyState === EventSource.CLOSED) {
                // Refused (401, 403, 404, 5xx) rather than cut: ask why before trying again.
                source.close();
                check();
            } else {
                setStatus('reconnecting'); // the browser retries by itself (appliance restarting, network)
            }
        };
    }

    // After a refused stream: 401 means the session is gone; anything else is the appliance (re)starting.
    function check() {
        fetch(room.dataset.stateUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
            .then(function (response) {
                if (response.status === 401) {
                    signedOut = true;
                    setStatus('signed-out');
                    return null;
                }

                if (response.status === 403) {
                    signedOut = true;
                    setStatus('signed-out', 'Your account may no longer open this room. ');
                    return null;
                }

                if (!response.ok) {
                    throw new Error('HTTP ' + response.status);
                }

                if (response.redirected || (response.headers.get('Content-Type') || '').indexOf('json') < 0) {
                    // Sent elsewhere (e.g. a password that must be changed): a person has to act.
                    signedOut = true;
                    setStatus('signed-out', 'The console needs you to sign in again. ');
                    return null;
                }

                return response.json().then(function (snapshot) {
                    apply(snapshot);
                    connect();
                });
            })
            .catch(function () {
                setStatus('reconnecting');
                retryTimer = setTimeout(check, retryDelay);
                retryDelay = Math.min(retryDelay * 2, 10000);
            });
    }

    setInterval(function () {
        if (!signedOut && status.dataset.state === 'live' && Date.now() - lastMessage > STALE_MS) {
            setStatus('reconnecting');
            connect();
        }
    }, 5000);

    // ---- applying a snapshot ----------------------------------------------------------------------------------

    function time(ms) {
        const at = new Date(ms);
        return String(at.getHours()).padStart(2, '0') + ':' + String(at.getMinutes()).padStart(2, '0');
    }

    function category(key) {
        return key ? key.replace(/_/g, ' ') : '';
    }

    function actionText(what, state) {
        if (!state) {
            return '';
        }

        const wide = state.scope === 'room' && what.indexOf('Room') !== 0 ? ' (whole room)' : '';
        return what + wide + ' until ' + time(state.until);
    }

    function sparkPoints(values) {
        if (!values || values.length === 0) {
            return '';
        }

        const max = Math.max(1, Math.max.apply(null, values));
        const points = [];
        for (let i = 0; i < values.length; i++) {
            const x = values.length === 1 ? 0 : i * SPARK_WIDTH / (values.length - 1);
            const y = SPARK_HEIGHT - 1 - values[i] / max * (SPARK_HEIGHT - 3);
            points.push((Math.round(x * 10) / 10) + ',' + (Math.round(y * 10) / 10));
        }

        return points.join(' ');
    }

    function setText(parent, selector, text) {
        const element = parent.querySelector(selector);
        if (element && element.textContent !== text) {
            element.textContent = text;
        }
    }

    function showButton(parent, action, visible) {
        const button = parent.querySelector('button[data-action="' + action + '"]');
        if (button) {
            button.hidden = !visible;
        }
    }

    function renderedIds() {
        return Array.prototype.map.call(room.querySelectorAll('article.tile.device'), function (tile) {
            return tile.dataset.deviceId;
        }).join(',');
    }

    function apply(snapshot) {
        const ids = snapshot.devices.map(function (d) { return String(d.id); }).join(',');
        if (ids !== renderedIds()) {
            // A device joined or left the room: the server renders the new set (rare; privacy state survives).
            const last = Number(sessionStorage.getItem('cg-room-reload') || 0);
            if (Date.now() - last > 10000) {
                sessionStorage.setItem('cg-room-reload', String(Date.now()));
                location.reload();
                return;
            }
        }

        const alerted = {};
        snapshot.alerts.forEach(function (a) { alerted[a.deviceId] = true; });
        snapshot.devices.forEach(function (device) {
            const tile = room.querySelector('article.tile.device[data-device-id="' + device.id + '"]');
            if (!tile) {
                return;
            }

            tile.dataset.online = String(device.online);
            tile.dataset.blanked = String(!!device.blank);
            tile.dataset.paused = String(!!device.pause);
            tile.dataset.alert = String(!!alerted[device.id]);
            tile.dataset.updated = String(snapshot.serverTime);
            setText(tile, '.tile-name', device.name);
            setText(tile, '.tile-online', device.online ? '● Online' : '○ Offline');
            setText(tile, '.tile-pupil', device.pupil || '');
            setText(tile, '.tile-site', device.site || '');
            setText(tile, '.tile-category', category(device.category));
            tile.querySelector('.tile-category').dataset.category = device.category || '';
            const blocked = device.lastBlocked;
            setText(tile, '.tile-last-blocked', blocked
                ? 'Blocked: ' + blocked.domain + (blocked.category ? ' (' + category(blocked.category) + ')' : '') + ' ' + time(blocked.at)
                : '');
            setText(tile, '.tile-blank-state', actionText('Blanked', device.blank));
            setText(tile, '.tile-pause-state', actionText('Paused', device.pause));
            tile.querySelector('.spark-queries').setAttribute('points', sparkPoints(device.queries));
            tile.querySelector('.spark-bytes').setAttribute('points', sparkPoints(device.bytes));
            showButton(tile, 'blank', !device.blank);
            showButton(tile, 'unblank', !!device.blank);
            showButton(tile, 'pause', !device.pause);
            showButton(tile, 'resume', !!device.pause);
        });

        room.dataset.updated = String(snapshot.serverTime);
        setText(room, '.room-blank-state', actionText('Room blanked', snapshot.roomBlank));
        setText(room, '.room-pause-state', actionText('Room paused', snapshot.roomPause));
        document.getElementById('room-activity').hidden = snapshot.activity === 'ok';
        applyAlerts(snapshot.alerts);
    }

    function applyAlerts(alerts) {
        const banner = document.getElementById('room-alerts');
        const shown = Array.prototype.map.call(banner.querySelectorAll('.alert'), function (e) { return e.dataset.alertId; }).join(',');
        if (shown === alerts.map(function (a) { return String(a.id); }).join(',')) {
            return; // unchanged: do not re-announce it to screen readers every second
        }

        banner.replaceChildren();
        alerts.forEach(function (a) {
            const line = document.createElement('div');
            line.className = 'alert';
            line.dataset.alertId = String(a.id);
            line.dataset.deviceId = String(a.deviceId);
            const what = a.kind === 'Circumvention' ? 'tried to get round the filter' : 'tried a high-risk site';
            const detail = [a.domain, category(a.category)].filter(function (s) { return s; }).join(', ');
            line.textContent = '⚠ ' + a.device + ' ' + what + (detail ? ': ' + detail : '') + ' at ' + time(a.at);
            banner.append(line);
        });
        banner.hidden = alerts.length === 0;
    }

    // ---- teacher actions: the same form posts, without reloading ----------------------------------------------

    function endOfDayMinutes() {
        const now = new Date();
        const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
        return Math.max(1, Math.min(720, Math.floor((midnight - now) / 60000)));
    }

    function say(text, ok) {
        outcome.textContent = text;
        outcome.className = 'notice ' + (ok ? 'ok' : 'error');
        outcome.hidden = false;
        clearTimeout(say.timer);
        say.timer = setTimeout(function () { outcome.hidden = true; }, ok ? 6000 : 15000);
    }

    form.addEventListener('submit', function (event) {
        const button = event.submitter;
        if (!button || !window.fetch) {
            return; // let the browser post it the plain way
        }

        event.preventDefault();
        const data = new FormData(form, button);
        const expiry = document.getElementById('action-expiry');
        if (expiry.selectedOptions[0] && expiry.selectedOptions[0].dataset.endOfDay) {
            data.set('minutes', String(endOfDayMinutes())); // the page may have been open since the morning
        }

        button.disabled = true;
        fetch(button.formAction, { method: 'POST', body: data, headers: { Accept: 'application/json' }, credentials: 'same-origin' })
            .then(function (response) {
                if (response.status === 401) {
                    signedOut = true;
                    setStatus('signed-out');
                    say('Signed out: sign in again to act.', false);
                    return;
                }

                if (response.status === 403) {
                    say('Your account cannot act in classrooms.', false);
                    return;
                }

                return response.json().then(function (answer) { say(answer.message, answer.ok); });
            })
            .catch(function () { say('The appliance did not answer: try again in a moment.', false); })
            .finally(function () { button.disabled = false; });
    });

    // ---- privacy blank for the kiosk (client-side only; survives updates and reloads) -------------------------

    function setPrivacy(on) {
        overlay.hidden = !on;
        document.body.classList.toggle('privacy', on);
        privacyButton.setAttribute('aria-pressed', String(on));
        privacyButton.textContent = on ? 'Show screen' : 'Hide screen';
        sessionStorage.setItem('cg-privacy', on ? '1' : '0');
    }

    privacyButton.addEventListener('click', function () { setPrivacy(overlay.hidden); });
    overlay.addEventListener('click', function () { setPrivacy(false); });
    document.addEventListener('keydown', function (event) {
        const target = event.target;
        if (event.ctrlKey || event.altKey || event.metaKey || (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))) {
            return;
        }

        if (event.key === 'h' || event.key === 'H') {
            setPrivacy(overlay.hidden);
        } else if (event.key === 'Escape' && !overlay.hidden) {
            setPrivacy(false);
        }
    });
    setPrivacy(sessionStorage.getItem('cg-privacy') === '1');

    connect();
})();
