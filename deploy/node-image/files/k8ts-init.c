/*
 * k8ts-init: PID 1 of a k8ts machine container (there is no systemd inside; k8ts deploy runs its
 * own supervisor there, as on any machine without systemd).
 *
 *   1. runs /etc/k8ts/boot (mounts, host key, authorized key) and stops the machine if it fails;
 *   2. runs sshd in the foreground, starting it again (after a second) whenever it exits;
 *   3. reaps every zombie re-parented to it (daemons started over SSH double-fork);
 *   4. on SIGTERM/SIGINT/SIGPWR (docker stop) sends SIGTERM to every process in the machine, waits
 *      up to STOP_GRACE seconds, then SIGKILLs what is left and exits 0.
 *
 * All signals are blocked and taken synchronously with sigtimedwait, so no handler runs between a
 * fork and an exec.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STOP_GRACE 5

static sigset_t all;

static void say(const char *msg) {
  fprintf(stderr, "k8ts-init: %s\n", msg);
}

static pid_t spawn(char *const argv[]) {
  pid_t pid = fork();
  if (pid == 0) {
    sigprocmask(SIG_SETMASK, &(sigset_t){0}, NULL);
    setsid();
    execv(argv[0], argv);
    fprintf(stderr, "k8ts-init: exec %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  if (pid < 0) fprintf(stderr, "k8ts-init: fork: %s\n", strerror(errno));
  return pid;
}

/* Reaps every exited child; returns 1 if `watched` was among them. */
static int reap(pid_t watched, int *status) {
  int found = 0, st;
  pid_t p;
  while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
    if (p == watched) {
      found = 1;
      if (status) *status = st;
    }
  }
  return found;
}

static void stop_everything(void) {
  say("stopping: SIGTERM to every process");
  kill(-1, SIGTERM);
  time_t deadline = time(NULL) + STOP_GRACE;
  struct timespec tick = {0, 100 * 1000 * 1000};
  while (time(NULL) < deadline) {
    reap(0, NULL);
    if (kill(-1, 0) < 0 && errno == ESRCH) return;
    sigtimedwait(&all, NULL, &tick);
  }
  say("grace period over: SIGKILL to what is left");
  kill(-1, SIGKILL);
  while (waitpid(-1, NULL, 0) > 0) {
  }
}

int main(void) {
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, NULL);

  char *boot[] = {"/bin/sh", "/etc/k8ts/boot", NULL};
  pid_t b = spawn(boot);
  int st = 0;
  if (b < 0 || waitpid(b, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    say("/etc/k8ts/boot failed: stopping the machine");
    return 1;
  }

  char *sshd[] = {"/usr/sbin/sshd", "-D", "-e", NULL};
  pid_t s = spawn(sshd);
  time_t restart_at = 0;
  struct timespec second = {1, 0};
  for (;;) {
    siginfo_t info;
    int sig = sigtimedwait(&all, &info, &second);
    if (sig == SIGTERM || sig == SIGINT || sig == SIGPWR) {
      stop_everything();
      return 0;
    }
    if (reap(s, &st)) {
      say("sshd exited: starting it again in a second");
      s = -1;
      restart_at = time(NULL) + 1;
    }
    if (s < 0 && time(NULL) >= restart_at) s = spawn(sshd);
  }
}
