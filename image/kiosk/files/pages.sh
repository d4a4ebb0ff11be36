# shellcheck shell=bash
# The display's own local pages (file:///run/classroomguard-kiosk/start.html). Sourced by session.sh.

# html_escape TEXT — TEXT safe inside HTML text and double-quoted attributes.
html_escape() {
  local s=$1
  s=${s//&/&amp;} s=${s//</&lt;} s=${s//>/&gt;} s=${s//\"/&quot;} s=${s//\'/&#39;}
  printf '%s' "$s"
}

# write_page FILE TITLE HEAD BODY — a full-screen page, swapped in whole (Chromium never reads half a file).
# HEAD and BODY are HTML; TITLE is text.
write_page() {
  local file=$1
  cat >"$file.new" <<PAGE
<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>$(html_escape "$2")</title>$3
<style>
html,body{margin:0;height:100%;background:#12263a;color:#f4f7fa;font:3vh/1.4 "Liberation Sans","DejaVu Sans",sans-serif;cursor:none}
main{box-sizing:border-box;height:100%;padding:8vh 8vw;display:flex;flex-direction:column;justify-content:center}
h1{font-size:5vh;margin:0 0 3vh}p{margin:0 0 2vh;max-width:70em}.small{font-size:2.2vh;opacity:.75}
</style></head>
<body><main>$4</main></body></html>
PAGE
  mv -f "$file.new" "$file"
}

# page_waiting FILE CONSOLE ROOM REASON — shown until the console answers; reloads itself every 10 s.
page_waiting() {
  write_page "$1" "Waiting for ClassroomGuard" '<meta http-equiv="refresh" content="10">' \
    "<h1>Waiting for ClassroomGuard at $(html_escape "$2")…</h1>
<p>$(html_escape "${3:+Classroom display for $3. }")This screen shows the room as soon as ClassroomGuard answers.</p>
<p class=\"small\">$(html_escape "$4")</p>"
}

# page_sign_in FILE CONSOLE CREDENTIAL — posts the room's display credential to the console, at once.
page_sign_in() {
  write_page "$1" "Signing in to ClassroomGuard" "" \
    "<h1>Signing in to ClassroomGuard at $(html_escape "$2")…</h1>
<form method=\"post\" action=\"$(html_escape "$2")/kiosk/sign-in\"><input type=\"hidden\" name=\"credential\" value=\"$(html_escape "$3")\"></form>
<script>document.forms[0].submit()</script>"
}

# page_problem FILE PROBLEM_TXT — the configuration is missing or wrong: what, and what to do (no reload).
page_problem() {
  local body="<h1>This classroom display is not set up</h1>" line
  while IFS= read -r line; do body+="<p>$(html_escape "$line")</p>"; done <"$2"
  write_page "$1" "Classroom display not set up" "" "$body"
}
