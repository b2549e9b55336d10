import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Where this project's machines keep the unpacked provider mirror. */
export const DEFAULT_PROVIDER_MIRROR = "/opt/tf-plugins";

/** Environment variable naming another provider mirror; it wins over {@link DEFAULT_PROVIDER_MIRROR}. */
export const PROVIDER_MIRROR_ENV = "FLEETFILE_PROVIDER_MIRROR";

/** What a Terraform CLI config file says about installing providers. */
export interface CliConfigProps {
  /** Folder shared by every workspace's init; Terraform requires it to exist. */
  readonly pluginCacheDir: string;
  /**
   * A filesystem mirror (`<host>/<namespace>/<type>/...`), and the provider addresses it
   * holds (`registry.terraform.io/hashicorp/aws`).
   * @default - none: every provider comes from its registry
   */
  readonly mirror?: { readonly path: string; readonly providers: readonly string[] };
}

/**
 * The provider mirror to use: `$FLEETFILE_PROVIDER_MIRROR` when set, else
 * {@link DEFAULT_PROVIDER_MIRROR} when it exists, else none.
 */
export function findProviderMirror(
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string) => boolean = existsSync,
): string | undefined {
  const configured = env[PROVIDER_MIRROR_ENV];
  if (configured) {
    if (!exists(configured))
      throw new Error(
        `${PROVIDER_MIRROR_ENV}=${configured}: no such folder; point it at an unpacked provider mirror or unset it to use ${DEFAULT_PROVIDER_MIRROR} or the registry`,
      );
    return configured;
  }
  return exists(DEFAULT_PROVIDER_MIRROR) ? DEFAULT_PROVIDER_MIRROR : undefined;
}

/** Provider addresses (`host/namespace/type`) a filesystem mirror holds: its folders three levels down. */
export function mirroredProviders(mirror: string): string[] {
  const folders = (path: string) =>
    readdirSync(path, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  return folders(mirror).flatMap((host) =>
    folders(join(mirror, host)).flatMap((namespace) =>
      folders(join(mirror, host, namespace)).map((type) => `${host}/${namespace}/${type}`),
    ),
  );
}

/**
 * The text of a Terraform CLI config file.
 *
 * Providers in the mirror come only from it: a `direct {}` that may also serve them makes
 * Terraform ask the registry for their versions, and fail offline. Every other provider
 * comes from its registry. An unpacked mirror is linked, not copied: the cache holds a
 * link to the mirror and each workspace's `.terraform` a link to the cache.
 *
 * `plugin_cache_may_break_dependency_lock_file` lets init take the provider from the cache
 * though a fresh workspace has no lock file. Without it every init installs into the
 * cache again, and parallel inits then fail on each other's half-made folders. The lock
 * files of these workspaces are thrown away, so nothing is lost.
 */
export function renderCliConfig(props: CliConfigProps): string {
  const quoted = (values: readonly string[]) => `[${values.map((v) => JSON.stringify(v)).join(", ")}]`;
  const installation = props.mirror
    ? [
        "  filesystem_mirror {",
        `    path    = ${JSON.stringify(props.mirror.path)}`,
        `    include = ${quoted(props.mirror.providers)}`,
        "  }",
        "  direct {",
        `    exclude = ${quoted(props.mirror.providers)}`,
        "  }",
      ]
    : ["  direct {}"];
  return [
    `plugin_cache_dir = ${JSON.stringify(props.pluginCacheDir)}`,
    "plugin_cache_may_break_dependency_lock_file = true",
    "",
    "provider_installation {",
    ...installation,
    "}",
    "",
  ].join("\n");
}

/** Where {@link writeCliConfig} keeps its files by default: `$XDG_CACHE_HOME/fleetfile/terraform`. */
export function defaultTerraformHome(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "fleetfile", "terraform");
}

/**
 * Writes `terraformrc` and the plugin cache under `home`; returns the file's path, for
 * TF_CLI_CONFIG_FILE. Written atomically, so parallel runs never read half a file.
 */
export function writeCliConfig(home: string = defaultTerraformHome(), env: NodeJS.ProcessEnv = process.env): string {
  const pluginCacheDir = join(home, "plugin-cache");
  mkdirSync(pluginCacheDir, { recursive: true });
  const path = findProviderMirror(env);
  const providers = path ? mirroredProviders(path) : [];
  const file = join(home, "terraformrc");
  const staging = `${file}.${process.pid}`;
  writeFileSync(
    staging,
    renderCliConfig({ pluginCacheDir, mirror: path && providers.length > 0 ? { path, providers } : undefined }),
  );
  renameSync(staging, file);
  return file;
}
