// Node's built-in modules (fs, path, crypto, ...) in the web page's bundle: the lib/ modules that import them
// for their file functions still load in the browser, where those functions are never called (a call would
// fail on an undefined function). CommonJS, so that any named import resolves.
module.exports = {};
