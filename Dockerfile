# gijiroku service image. One image for GPU and CPU hosts: CTranslate2 4.x needs CUDA 12 + cuDNN 9,
# which this base provides; with `--gpus all` GIJIROKU_DEVICE=auto picks CUDA + float16, without it
# the CPU + int8. Everything is installed at build time and the embedded model is assembled inside
# the image, so the container runs with no network (LGWAN).
#
#   docker build -t gijiroku .
#   docker run --gpus all -p 8000:8000 -v gijiroku-data:/data gijiroku
#
# Not built in CI here (no Docker engine on the CI machines).
FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu22.04

ENV DEBIAN_FRONTEND=noninteractive \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    PYANNOTE_METRICS_ENABLED=false \
    GIJIROKU_DATA_DIR=/data \
    GIJIROKU_MODEL_CACHE_DIR=/opt/gijiroku/models \
    GIJIROKU_HOST=0.0.0.0 \
    GIJIROKU_PORT=8000

# Ubuntu 22.04 ships Python 3.10; gijiroku targets 3.11 (deadsnakes). IPA fonts for Word/PDF output.
RUN apt-get update \
 && apt-get install -y --no-install-recommends software-properties-common ca-certificates \
 && add-apt-repository -y ppa:deadsnakes/ppa \
 && apt-get update \
 && apt-get install -y --no-install-recommends python3.11 python3.11-venv fonts-ipafont \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/gijiroku
COPY pyproject.toml README.md ./
COPY service ./service
COPY models ./models
COPY exporters ./exporters
COPY evaluation ./evaluation

RUN python3.11 -m venv /opt/gijiroku/.venv \
 && /opt/gijiroku/.venv/bin/pip install --no-cache-dir --upgrade pip \
 && /opt/gijiroku/.venv/bin/pip install --no-cache-dir . \
 && /opt/gijiroku/.venv/bin/pip install --no-cache-dir --no-deps resemblyzer==0.1.4 \
 && /opt/gijiroku/.venv/bin/gijiroku prepare-model

ENV PATH=/opt/gijiroku/.venv/bin:$PATH
VOLUME /data
EXPOSE 8000
CMD ["gijiroku", "serve"]
