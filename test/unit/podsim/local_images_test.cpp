// The local image store: flags first, then podman (faked here), each image
// looked up once, every podman mount undone.

#include "podsim/local_images.h"

#include <gtest/gtest.h>

namespace podstep::podsim {
namespace {

class FakePodman : public Podman {
 public:
  struct Log {
    std::vector<std::string> calls;
    bool may_mount = true;
  };
  explicit FakePodman(Log* log) : log_(log) {}
  void Prefetch(const std::vector<std::string>& images) override {
    for (const std::string& image : images) log_->calls.push_back("prefetch " + image);
  }
  bool Exists(const std::string& image) override {
    log_->calls.push_back("exists " + image);
    return image.starts_with("localhost/");
  }
  Result<std::string> Inspect(const std::string& image) override {
    log_->calls.push_back("inspect " + image);
    if (image == "localhost/broken") return Fail("podman image inspect localhost/broken: boom");
    return R"([{"Id":"x","Config":{"Entrypoint":["/bin/ash"],"Cmd":["-c","echo hi"],
               "Env":["PATH=/bin"],"WorkingDir":"/w","User":"1000:1000"}}])";
  }
  Result<std::string> Mount(const std::string& image) override {
    log_->calls.push_back("mount " + image);
    if (!log_->may_mount) return Fail("not yet", EAGAIN);
    if (image == "localhost/unmountable")
      return Fail("podman image mount localhost/unmountable: no");
    return "/var/lib/containers/overlay/" + image.substr(10) + "/merged";
  }
  void Unmount(const std::string& image) override { log_->calls.push_back("unmount " + image); }

 private:
  Log* log_;
};

TEST(PodsimImages, ParsesPodmanInspect) {
  auto config = ParseImageInspect(
      R"([{"Config":{"Entrypoint":null,"Cmd":["sh"],"Env":["A=b"],"WorkingDir":"/src"}}])");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_TRUE(config->entrypoint.empty());
  EXPECT_EQ(config->cmd, std::vector<std::string>{"sh"});
  EXPECT_EQ(config->env, std::vector<std::string>{"A=b"});
  EXPECT_EQ(config->working_dir, "/src");
  EXPECT_FALSE(ParseImageInspect("not json"));
  EXPECT_FALSE(ParseImageInspect(R"([{"Config":{"Cmd":"sh"}}])"));
}

TEST(PodsimImages, NormalizesNames) {
  EXPECT_EQ(NormalizeImageName("busybox"), "docker.io/library/busybox:latest");
  EXPECT_EQ(NormalizeImageName("docker.io/library/busybox:latest"),
            "docker.io/library/busybox:latest");
  EXPECT_EQ(NormalizeImageName("library/busybox:1.36"), "docker.io/library/busybox:1.36");
  EXPECT_EQ(NormalizeImageName("localhost/tiny"), "localhost/tiny:latest");
  EXPECT_EQ(NormalizeImageName("localhost:5000/a/b:v1"), "localhost:5000/a/b:v1");
  EXPECT_EQ(NormalizeImageName("gcr.io/x/y@sha256:ab"), "gcr.io/x/y@sha256:ab");
}

TEST(PodsimImages, FlagsComeFirstThenPodman) {
  FakePodman::Log log;
  ImageFlags flags{{{"docker.io/library/busybox", "/srv/bb"}}, {{"ubuntu", {"bash", "-c"}}}};
  {
    LocalImages images(flags, std::make_unique<FakePodman>(&log));
    auto bb = images.Find("busybox:latest");
    ASSERT_TRUE(bb);
    EXPECT_EQ(bb->rootfs, "/srv/bb");
    EXPECT_TRUE(bb->entrypoint.empty());
    auto ubuntu = images.Find("ubuntu");
    ASSERT_TRUE(ubuntu);
    EXPECT_EQ(ubuntu->rootfs, "");
    EXPECT_EQ(ubuntu->entrypoint, (std::vector<std::string>{"bash", "-c"}));
    EXPECT_FALSE(images.Find("alpine"));

    auto tiny = images.Find("localhost/tiny");
    ASSERT_TRUE(tiny);
    EXPECT_EQ(tiny->rootfs, "/var/lib/containers/overlay/tiny/merged");
    EXPECT_EQ(tiny->entrypoint, std::vector<std::string>{"/bin/ash"});
    EXPECT_EQ(tiny->cmd, (std::vector<std::string>{"-c", "echo hi"}));
    EXPECT_EQ(tiny->user, "1000:1000");
    // Looked up once.
    ASSERT_TRUE(images.Find("localhost/tiny"));
    EXPECT_TRUE(images.TakeNotes().empty());

    auto unmountable = images.Find("localhost/unmountable");
    ASSERT_TRUE(unmountable);
    EXPECT_EQ(unmountable->rootfs, "");
    EXPECT_EQ(unmountable->entrypoint, std::vector<std::string>{"/bin/ash"});
    auto broken = images.Find("localhost/broken");
    ASSERT_TRUE(broken);
    EXPECT_EQ(images.TakeNotes(),
              (std::vector<std::string>{"podman image mount localhost/unmountable: no",
                                        "podman image inspect localhost/broken: boom"}));
    EXPECT_TRUE(images.TakeNotes().empty());
  }
  EXPECT_EQ(log.calls,
            (std::vector<std::string>{
                "exists busybox:latest", "exists ubuntu", "exists alpine", "exists localhost/tiny",
                "inspect localhost/tiny", "mount localhost/tiny", "exists localhost/unmountable",
                "inspect localhost/unmountable", "mount localhost/unmountable",
                "exists localhost/broken", "inspect localhost/broken", "mount localhost/broken",
                "unmount localhost/tiny", "unmount localhost/broken"}));
}

TEST(PodsimImages, PrefetchesWhatItHasNotLookedUp) {
  FakePodman::Log log;
  LocalImages images({}, std::make_unique<FakePodman>(&log));
  ASSERT_TRUE(images.Find("localhost/a"));
  images.Prefetch({"localhost/a", "b"});
  EXPECT_EQ(log.calls, (std::vector<std::string>{"exists localhost/a", "inspect localhost/a",
                                                 "mount localhost/a", "prefetch b"}));
}

TEST(PodsimImages, AMountNotYetAllowedIsTriedAgainOnTheNextUse) {
  FakePodman::Log log;
  log.may_mount = false;
  {
    LocalImages images({}, std::make_unique<FakePodman>(&log));
    auto early = images.Find("localhost/a");  // the renderer, before the pod's namespace
    ASSERT_TRUE(early);
    EXPECT_EQ(early->rootfs, "");
    EXPECT_EQ(early->entrypoint, std::vector<std::string>{"/bin/ash"});
    EXPECT_TRUE(images.TakeNotes().empty());
    log.may_mount = true;
    auto later = images.Find("localhost/a");  // the kubelet
    ASSERT_TRUE(later);
    EXPECT_EQ(later->rootfs, "/var/lib/containers/overlay/a/merged");
    ASSERT_TRUE(images.Find("localhost/a"));
  }
  EXPECT_EQ(log.calls, (std::vector<std::string>{"exists localhost/a", "inspect localhost/a",
                                                 "mount localhost/a", "mount localhost/a",
                                                 "unmount localhost/a"}));
}

TEST(PodsimImages, WithoutPodman) {
  ImageFlags flags{{{"tiny", "/srv/tiny"}}, {{"tiny", {"/bin/ash"}}}};
  LocalImages images(flags, nullptr);
  auto tiny = images.Find("tiny");
  ASSERT_TRUE(tiny);
  EXPECT_EQ(tiny->rootfs, "/srv/tiny");
  EXPECT_EQ(tiny->entrypoint, std::vector<std::string>{"/bin/ash"});
  EXPECT_FALSE(images.Find("other"));
}

}  // namespace
}  // namespace podstep::podsim
