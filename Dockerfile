# wsspec in a container image:
#   docker build -t wsspec .
#   mkdir -p report
#   docker run --rm --network host --user "$(id -u):$(id -g)" -v "$PWD/report:/report" \
#     wsspec test-server ws://127.0.0.1:9001/ --out /report
# The build stage makes the release Debian package as scripts/package does; the image installs
# it with apt (which brings its dependencies) and runs wsspec as a user without privileges.

FROM debian:12 AS build
# git: the version wsspec reports includes `git describe` of the checkout, when .git is there.
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
       ca-certificates git >/dev/null
WORKDIR /src
# The dependencies first, so that a change in the sources does not install them again.
COPY scripts/install-deps scripts/install-deps
RUN scripts/install-deps build
COPY . .
RUN scripts/package && mkdir /deb && cp build/release/wsspec_*.deb /deb/

FROM debian:12-slim
COPY --from=build /deb/ /tmp/deb/
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
       /tmp/deb/wsspec_*.deb >/dev/null \
    && rm -rf /var/lib/apt/lists/* /tmp/deb \
    && useradd --create-home --shell /usr/sbin/nologin wsspec \
    && mkdir /report && chown wsspec:wsspec /report
USER wsspec
WORKDIR /report
ENTRYPOINT ["wsspec"]
CMD ["--help"]
