// The appearance, applied before the first paint (a classic script in <head>, not a module,
// so no light frame flashes in a dark window). The shell tells the page the setting through
// an initialization script (`window.__COGAUTH_THEME__`: "system", "light" or "dark");
// "system" follows `prefers-color-scheme` as WebKit reports it, live. The stylesheet reads
// only `<html data-theme="light|dark">`. settings.js calls `window.cogauthApplyTheme` when the
// setting is saved.

(() => {
  const root = document.documentElement;
  const systemDark = window.matchMedia('(prefers-color-scheme: dark)');
  /** @type {string} */
  let choice = /** @type {any} */ (window).__COGAUTH_THEME__ ?? 'system';
  const apply = () => {
    const dark = choice === 'dark' || (choice === 'system' && systemDark.matches);
    root.dataset.theme = dark ? 'dark' : 'light';
  };
  systemDark.addEventListener('change', apply);
  /** @param {string} value "system", "light" or "dark" */
  /** @type {any} */ (window).cogauthApplyTheme = (value) => {
    choice = value;
    apply();
  };
  apply();
})();
