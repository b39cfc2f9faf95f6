/* k8ts/pause: the sandbox's first process. It holds the pod's namespaces open, sleeps until told
 * to stop, exits 0 on SIGTERM/SIGINT, and reaps zombies (it is PID 1 of a shared PID namespace). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig) {
  (void)sig;
  _exit(0);
}

static void on_child(int sig) {
  (void)sig;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

static void handle(int sig, void (*fn)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART | (sig == SIGCHLD ? SA_NOCLDSTOP : 0);
  sigaction(sig, &sa, NULL);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    static const char v[] = "k8ts-pause 1.0\n";
    (void)write(1, v, sizeof v - 1);
    return 0;
  }
  handle(SIGTERM, on_stop);
  handle(SIGINT, on_stop);
  handle(SIGCHLD, on_child);
  for (;;) pause();
  return 1;
}
