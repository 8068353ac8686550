/**
 * Model sources: local folders, or hub repos downloaded into the standard hub cache.
 *
 * <p>{@link io.autoround.model.hub.ModelLocator} turns a model argument into a folder;
 * {@link io.autoround.model.hub.HubClient} downloads repo snapshots (models and datasets) from the Hugging Face
 * hub, or from ModelScope when {@code AR_USE_MODELSCOPE=1}, configured by
 * {@link io.autoround.model.hub.HubSettings} from the usual environment variables.
 *
 * <p>The cache has huggingface_hub's layout ({@code models--org--name/refs|blobs|snapshots}), so a cache filled
 * by Python tools is reused and vice versa. ModelScope downloads use the same layout under
 * {@code $MODELSCOPE_CACHE/hf-layout}, with snapshots named by the branch (ModelScope exposes no commit for a
 * branch) and blobs named by the listed sha256; the modelscope SDK's own layout is not written because its
 * metadata files are Python pickles.
 */
package io.autoround.model.hub;
