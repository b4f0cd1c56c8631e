// Placeholder; the viewer page is written in web/ (see src/viewer/api.ts for the server's API).
document.getElementById('app')!.textContent = 'mdpost view';
