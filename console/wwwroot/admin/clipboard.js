// Copies text for the administration pages' copy buttons (an ES module: CSP allows only script files from the console).
export async function copy(text) {
    try {
        await navigator.clipboard.writeText(text);
        return true;
    } catch {
        return false; // no clipboard permission, or not a secure context: the page asks the person to select and copy
    }
}
