// rdf-test-suite needs an engine module even for HTTP-only suites; the protocol and service
// description tests talk to the server over HTTP, so this stub rejects everything.
module.exports = {
  parse: () => Promise.reject(new Error('not supported')),
  query: () => Promise.reject(new Error('not supported')),
  update: () => Promise.reject(new Error('not supported')),
};
