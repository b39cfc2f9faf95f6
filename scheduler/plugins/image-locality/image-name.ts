// Image references as the node reports them and as pods write them, brought to one form so they
// compare: Docker Hub's implicit registry and "library/" namespace made explicit, and ":latest"
// added when there is neither a tag nor a digest. "nginx", "library/nginx:latest" and
// "docker.io/library/nginx:latest" are the same image.

const DOCKER_HUB = 'docker.io';

/** Whether the first path component names a registry (a host: has a dot or port, or is localhost). */
const isRegistry = (component: string): boolean => component.includes('.') || component.includes(':') || component === 'localhost';

export function normalizeImageName(image: string): string {
  let name = image.trim();
  if (!name) return name;
  const slash = name.indexOf('/');
  if (slash < 0) name = `${DOCKER_HUB}/library/${name}`;
  else if (!isRegistry(name.slice(0, slash))) name = `${DOCKER_HUB}/${name}`;
  else if (name.startsWith('index.docker.io/')) name = DOCKER_HUB + name.slice('index.docker.io'.length);
  // Hub images in the root namespace live under library/ ("docker.io/nginx" is docker.io/library/nginx).
  if (name.startsWith(`${DOCKER_HUB}/`) && name.indexOf('/', DOCKER_HUB.length + 1) < 0) name = `${DOCKER_HUB}/library/${name.slice(DOCKER_HUB.length + 1)}`;
  if (!name.includes('@') && name.lastIndexOf(':') <= name.lastIndexOf('/')) name += ':latest';
  return name;
}
